package io.parley.bench;

import java.util.Locale;

/**
 * Calls a task once a period (a second unless said otherwise) on a daemon thread until stopped: the
 * progress line of a load step or of a chaos run.
 */
public final class Progress {
  private final Thread thread;
  private volatile boolean stopped;

  private Progress(long periodNanos, Runnable task) {
    thread =
        new Thread(
            () -> {
              long next = System.nanoTime() + periodNanos;
              while (!stopped) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                  try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                  } catch (InterruptedException e) {
                    return;
                  }
                }
                if (stopped) return;
                task.run();
                next += periodNanos;
              }
            },
            "bench-progress");
    thread.setDaemon(true);
  }

  static Progress start(Runnable task) {
    return every(java.time.Duration.ofSeconds(1), task);
  }

  public static Progress every(java.time.Duration period, Runnable task) {
    Progress p = new Progress(period.toNanos(), task);
    p.thread.start();
    return p;
  }

  /** Stops it and waits for a task under way, so nothing that task records comes after this. */
  public void stop() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The line printed each second of a load step; {@code last} holds the previous counts. */
  static String line(LoadRun run, long[] last, long startNanos) {
    long sent = run.dispatched.sum(), acked = run.acked.sum(), delivered = run.deliveries.sum();
    long errors = run.errorsSoFar();
    double last99 = run.lastSecondP99();
    String p99 = Double.isNaN(last99) ? "   -  " : String.format(Locale.ROOT, "%6.1f", last99);
    String s =
        String.format(
            Locale.ROOT,
            "[%4ds] rate %7.0f/s  sent %7d/s  acked %7d/s  delivered %8d/s  errors %d  p99 delivered %s ms",
            (System.nanoTime() - startNanos) / 1_000_000_000L,
            run.rate,
            sent - last[0],
            acked - last[1],
            delivered - last[2],
            errors,
            p99);
    last[0] = sent;
    last[1] = acked;
    last[2] = delivered;
    return s;
  }
}
