package io.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.testing.Await;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The per-message CPU figure: from /proc CPU time, divided by the messages, absent when it cannot
 * be had.
 */
class CpuPerMessageTest {
  private static final String BURNER = "cpu-burner";

  @Test
  void figuresAreTheCpuDeltasOverTheMessages() {
    ProcSample before = new ProcSample(1.00, 0.50, Map.of(1L, 100L, 2L, 50L));
    // Thread 2 ended in between (its switches are lost), thread 3 was born (counts from zero).
    ProcSample after = new ProcSample(1.30, 0.60, Map.of(1L, 160L, 3L, 20L));
    CpuPerMessage c = CpuPerMessage.of(before, after, 1000).orElseThrow();
    assertEquals(400, c.cpuUs(), 1e-9);
    assertEquals(300, c.userUs(), 1e-9);
    assertEquals(100, c.systemUs(), 1e-9);
    assertEquals(0.08, c.contextSwitches(), 1e-12);
  }

  @Test
  void noMessagesGiveNoFigureNotInfinity() {
    ProcSample s = new ProcSample(1, 1, Map.of(1L, 1L));
    assertEquals(Optional.empty(), CpuPerMessage.of(s, new ProcSample(2, 2, Map.of(1L, 2L)), 0));
    StepCpu.Cost none =
        new StepCpu.Cost(
            0, 0, CpuPerMessage.of(s, s, 0), Optional.empty(), Optional.empty(), Optional.empty());
    assertEquals(-1.0, none.toMap().get("node_us_per_msg"));
    assertTrue(none.cells().contains("-"), none.cells());
  }

  @Test
  void anUnreadableProcessGivesNoFigure() {
    ProcSample gone = ProcSample.of(Long.MAX_VALUE);
    assertEquals(ProcSample.UNREADABLE, gone);
    assertEquals(ProcSample.UNREADABLE, ProcSample.of(0));
    ProcSample self = ProcSample.of(ProcessHandle.current().pid());
    assertTrue(self.readable() && !self.switchesByThread().isEmpty(), self.toString());
    assertEquals(Optional.empty(), CpuPerMessage.of(gone, self, 100));
    assertEquals(Optional.empty(), CpuPerMessage.of(self, gone, 100));
    // CPU readable but no thread counts: the CPU figure stays, the switches are -1.
    CpuPerMessage noSwitches =
        CpuPerMessage.of(new ProcSample(1, 1, Map.of()), new ProcSample(2, 2, Map.of(1L, 5L)), 10)
            .orElseThrow();
    assertEquals(-1, noSwitches.contextSwitches());
  }

  /**
   * A thread that burns CPU half the time and sleeps the other half: its figure must be its CPU
   * time (as the JVM measures it) over the messages, not the wall time, which is twice that.
   */
  @Test
  void figureIsTheThreadsCpuTimeNotItsWallTime() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    CountDownLatch go = new CountDownLatch(1),
        done = new CountDownLatch(1),
        end = new CountDownLatch(1);
    // Never counted down: waiting on it is the burner's idle half, a real blocking wait.
    CountDownLatch never = new CountDownLatch(1);
    long burnNanos = TimeUnit.MILLISECONDS.toNanos(300),
        sliceNanos = TimeUnit.MILLISECONDS.toNanos(20);
    int[] sleeps = {0};
    Thread burner =
        new Thread(
            () -> {
              try {
                go.await();
                long from = mx.getCurrentThreadCpuTime();
                while (mx.getCurrentThreadCpuTime() - from < burnNanos) {
                  long slice = mx.getCurrentThreadCpuTime();
                  while (mx.getCurrentThreadCpuTime() - slice < sliceNanos) Thread.onSpinWait();
                  never.await(20, TimeUnit.MILLISECONDS);
                  sleeps[0]++;
                }
                done.countDown();
                end.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            BURNER);
    burner.setDaemon(true);
    burner.start();
    try {
      Path task = task(BURNER);
      long cpuBefore = mx.getThreadCpuTime(burner.getId());
      ProcSample before = ProcSample.read(task);
      long wallBefore = System.nanoTime();
      go.countDown();
      assertTrue(done.await(30, TimeUnit.SECONDS), "the burner finished");
      long wall = System.nanoTime() - wallBefore;
      ProcSample after = ProcSample.read(task);
      long cpu = mx.getThreadCpuTime(burner.getId()) - cpuBefore;
      assertTrue(
          wall > 1.5 * cpu, "the burner slept about half the time: wall " + wall + " cpu " + cpu);

      int messages = 100;
      CpuPerMessage c = CpuPerMessage.of(before, after, messages).orElseThrow();
      double expectedUs = cpu / 1e3 / messages;
      // /proc counts in clock ticks of 10 ms: each of the two samples may be a tick off.
      double toleranceUs = 2 * 10_000.0 / messages + 0.05 * expectedUs;
      assertEquals(
          expectedUs,
          c.cpuUs(),
          toleranceUs,
          "CPU us per message against the JVM's thread CPU time");
      assertEquals(c.cpuUs(), c.userUs() + c.systemUs(), 1e-9);
      assertTrue(
          c.contextSwitches() * messages >= sleeps[0], "each sleep is a voluntary switch: " + c);
    } finally {
      end.countDown();
    }
  }

  /** Where a thread of this JVM shows in /proc (its name reaches /proc once it runs). */
  private static Path task(String name) throws Exception {
    return Await.until(
            () -> find(name),
            Optional::isPresent,
            Duration.ofSeconds(10),
            "thread " + name + " in /proc")
        .orElseThrow();
  }

  private static Optional<Path> find(String name) throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : tasks.toList()) {
        try {
          if (Files.readString(t.resolve("comm")).strip().equals(name)) return Optional.of(t);
        } catch (IOException ended) {
          // a thread that ended while we looked
        }
      }
    }
    return Optional.empty();
  }
}
