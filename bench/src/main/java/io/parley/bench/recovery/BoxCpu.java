package io.parley.bench.recovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Was the box ours while we measured? CPU time of this JVM, of Cassandra's and of everything else,
 * from /proc, so that a cold start another process slowed down can be told apart and taken again.
 */
final class BoxCpu {
  private static final Duration QUIET_WINDOW = Duration.ofSeconds(1);

  /** CPU time is counted in 10 ms ticks: only samples this long say reliably who used it. */
  static final Duration MEASURABLE = Duration.ofMillis(500);

  /** One sample: time to first reply, and the cores in use meanwhile. */
  record Sample(long nanos, Cores cpu) {}

  /** Average cores busy during a sample: this JVM, Cassandra's JVM, everything else. */
  record Cores(double app, double cassandra, double others) {}

  private final long cassandraPid;

  /** {@code cassandraPid} 0: Cassandra's time counts as the others'. */
  BoxCpu(long cassandraPid) {
    this.cassandraPid = cassandraPid;
  }

  Ticks now() {
    long cassandra = cassandraPid > 0 ? processTicks(Long.toString(cassandraPid)) : 0;
    return new Ticks(boxBusy(), processTicks("self"), cassandra);
  }

  /**
   * Waits (up to {@code wait}) until processes other than this JVM and Cassandra use less than
   * {@code quietCores} for a whole second; a zero wait measures at once.
   */
  void awaitQuiet(double quietCores, Duration wait) {
    if (wait.isZero()) return;
    Instant start = Instant.now();
    Instant deadline = start.plus(wait);
    while (true) {
      Ticks before = now();
      long t0 = System.nanoTime();
      RecoveryBenchmark.pause(QUIET_WINDOW);
      Cores cores = now().minus(before, System.nanoTime() - t0);
      if (cores.others() < quietCores) break;
      if (Instant.now().isAfter(deadline)) {
        RecoveryBenchmark.say(
            "  the box stayed busy (others %.2f cores); measuring anyway", cores.others());
        break;
      }
    }
    long waited = Duration.between(start, Instant.now()).toSeconds();
    if (waited > 5)
      RecoveryBenchmark.say("  waited %d s for other processes to leave the box alone", waited);
  }

  /** Clock ticks (USER_HZ, 100 per second on Linux) of CPU time used so far. */
  record Ticks(long box, long app, long cassandra) {
    private static final double TICKS_PER_SECOND = 100;

    Cores minus(Ticks before, long nanos) {
      double seconds = nanos / 1e9 * TICKS_PER_SECOND;
      double appCores = (app - before.app) / seconds;
      double cassandraCores = (cassandra - before.cassandra) / seconds;
      double boxCores = (box - before.box) / seconds;
      return new Cores(appCores, cassandraCores, Math.max(0, boxCores - appCores - cassandraCores));
    }
  }

  /** user + nice + system + irq + softirq + steal of the first line of /proc/stat. */
  private static long boxBusy() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) busy += Long.parseLong(f[i]);
      return busy;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** utime + stime of /proc/PID/stat (fields 14 and 15, counted after the command's ')'). */
  private static long processTicks(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Cassandra's pid, from the pid file scripts/cassandra.sh writes; 0 if there is none. */
  static long readPid(String file) {
    try {
      return Long.parseLong(Files.readString(Path.of(file)).strip());
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
