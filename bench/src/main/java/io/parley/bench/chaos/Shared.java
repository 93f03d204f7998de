package io.parley.bench.chaos;

import io.parley.bench.WebSocketWire;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What every device of one {@link FaultLoad} shares: the sockets' selector, a scheduler for timers
 * (retries, answer timeouts, heartbeats), threads for the blocking connects (a connect to a cut-off
 * edge waits its whole timeout, and must not hold up the timers or other connects), and the
 * counters.
 */
final class Shared implements AutoCloseable {
  private static final int TIMER_THREADS = 2;

  final List<InetSocketAddress> edges;
  final Duration retryFor;
  final Timings timings;
  // Each user's devices share the edge's per-user send budget (SendBudget).
  final int devicesPerUser;
  final WebSocketWire wire;
  final ScheduledExecutorService timers = Executors.newScheduledThreadPool(TIMER_THREADS);
  // A thread per connect under way: each blocks for up to Timings.connect when an edge is cut off
  // (its packets dropped), and a bounded pool would make the devices behind them wait their turn:
  // with 8 threads, 400 devices whose next edge drops packets would take 400 x 5 s / 8 = 250 s.
  final ExecutorService connects =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "chaos-connect");
            t.setDaemon(true);
            return t;
          });
  final Stats.Counters counters = new Stats.Counters();

  Shared(List<InetSocketAddress> edges, Duration retryFor, Timings timings, int devicesPerUser)
      throws IOException {
    this.edges = List.copyOf(edges);
    this.retryFor = retryFor;
    this.timings = timings;
    this.devicesPerUser = devicesPerUser;
    this.wire = new WebSocketWire(timings.connect());
  }

  InetSocketAddress edge(int index) {
    return edges.get(Math.floorMod(index, edges.size()));
  }

  /** Runs {@code task} after {@code delay} on a timer thread. */
  void after(Duration delay, Runnable task) {
    try {
      timers.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the load is closed: nothing is retried any more
    }
  }

  /** Runs a blocking connect on the connect pool. */
  void connect(Runnable task) {
    try {
      connects.execute(task);
    } catch (RejectedExecutionException e) {
      // the load is closed
    }
  }

  @Override
  public void close() throws IOException {
    timers.shutdownNow();
    connects.shutdownNow();
    wire.close();
  }
}
