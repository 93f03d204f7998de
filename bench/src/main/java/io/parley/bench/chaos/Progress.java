package io.parley.bench.chaos;

import static io.parley.bench.chaos.ChaosCluster.say;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A line of the load's counts every few seconds while a fault runs: the run shows its progress. */
final class Progress implements AutoCloseable {
  private static final long EVERY_SECONDS = 5;

  private final FaultLoad load;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "chaos-progress");
            t.setDaemon(true);
            return t;
          });

  Progress(FaultLoad load) {
    this.load = load;
  }

  void start() {
    timer.scheduleAtFixedRate(
        () -> say("load: " + load.liveStats().line()),
        EVERY_SECONDS,
        EVERY_SECONDS,
        TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
