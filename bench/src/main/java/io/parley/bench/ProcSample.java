package io.parley.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One reading of a process (or of one of its threads) from /proc: CPU time by mode from {@code
 * stat} (utime, stime), and each thread's context switches (voluntary plus involuntary) from {@code
 * task/<tid>/status}.
 *
 * @param switchesByThread per thread id; empty when they could not be read
 */
record ProcSample(double userSeconds, double systemSeconds, Map<Long, Long> switchesByThread) {
  static final ProcSample UNREADABLE = new ProcSample(-1, -1, Map.of());

  boolean readable() {
    return userSeconds >= 0 && systemSeconds >= 0;
  }

  /** The process's sample, or {@link #UNREADABLE} (no such pid, or not ours to read). */
  static ProcSample of(long pid) {
    return pid <= 0 ? UNREADABLE : read(Path.of("/proc", Long.toString(pid)));
  }

  /** {@code dir}: {@code /proc/<pid>}, or {@code /proc/<pid>/task/<tid>} for one thread. */
  static ProcSample read(Path dir) {
    try {
      String[] f = ProcStats.statFields(dir);
      double ticks = ProcStats.TICKS_PER_SECOND;
      return new ProcSample(
          Long.parseLong(f[11]) / ticks, Long.parseLong(f[12]) / ticks, switches(dir));
    } catch (IOException | RuntimeException e) {
      return UNREADABLE;
    }
  }

  /**
   * Context switches between two samples, summed thread by thread: a thread born in between counts
   * from zero. A thread that ended in between is lost with what it switched in the window (/proc
   * keeps no count of dead threads), so this is a floor. -1 when either side has none.
   */
  static long switchesBetween(ProcSample before, ProcSample after) {
    if (before.switchesByThread.isEmpty() || after.switchesByThread.isEmpty()) return -1;
    long sum = 0;
    for (var t : after.switchesByThread.entrySet()) {
      sum += Math.max(0, t.getValue() - before.switchesByThread.getOrDefault(t.getKey(), 0L));
    }
    return sum;
  }

  /**
   * A process's own {@code status} counts its main thread only, so each thread is read from {@code
   * task/}; a thread's directory has no {@code task/} and is read itself.
   */
  private static Map<Long, Long> switches(Path dir) {
    Map<Long, Long> byThread = new HashMap<>();
    Path tasks = dir.resolve("task");
    if (!Files.isDirectory(tasks)) {
      long n = switchesIn(dir.resolve("status"));
      if (n >= 0) byThread.put(Long.parseLong(dir.getFileName().toString()), n);
      return byThread;
    }
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path t : threads) {
        long n = switchesIn(t.resolve("status"));
        if (n >= 0) byThread.put(Long.parseLong(t.getFileName().toString()), n);
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return byThread;
  }

  private static long switchesIn(Path status) {
    try {
      long sum = 0;
      int found = 0;
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("voluntary_ctxt_switches:")
            || line.startsWith("nonvoluntary_ctxt_switches:")) {
          sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
          found++;
        }
      }
      return found == 2 ? sum : -1;
    } catch (IOException | RuntimeException e) {
      return -1; // the thread ended while we read
    }
  }
}
