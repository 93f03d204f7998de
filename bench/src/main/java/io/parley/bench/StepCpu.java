package io.parley.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The node's and Cassandra's CPU per message over a step's measured seconds: /proc is sampled when
 * the window opens and when it closes, so the warm-up and the drain, whose sends the step's msgs/s
 * does not count, stay out of both halves of the division.
 */
final class StepCpu {
  /**
   * Per message (a send acked in the window: msgs/s x seconds) and per delivery (a msg frame at a
   * recipient socket: every device of every member but the sender's socket).
   */
  record Cost(
      long messages,
      long deliveries,
      Optional<CpuPerMessage> node,
      Optional<CpuPerMessage> cassandra,
      Optional<CpuPerMessage> nodePerDelivery,
      Optional<CpuPerMessage> cassandraPerDelivery) {
    static final Cost NONE =
        new Cost(0, 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /** Flat keys for the step's resources in the JSON; -1 where there is no figure. */
    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("measured_messages", messages);
      m.put("measured_deliveries", deliveries);
      m.put("node_us_per_msg", us(node.map(CpuPerMessage::cpuUs)));
      m.put("node_user_us_per_msg", us(node.map(CpuPerMessage::userUs)));
      m.put("node_system_us_per_msg", us(node.map(CpuPerMessage::systemUs)));
      m.put("node_ctxsw_per_msg", switches(node));
      m.put("cassandra_us_per_msg", us(cassandra.map(CpuPerMessage::cpuUs)));
      m.put("node_us_per_delivery", us(nodePerDelivery.map(CpuPerMessage::cpuUs)));
      m.put("cassandra_us_per_delivery", us(cassandraPerDelivery.map(CpuPerMessage::cpuUs)));
      m.put("node_ctxsw_per_delivery", switches(nodePerDelivery));
      return m;
    }

    /** The table's cells: node us/msg, cass us/msg, node usr/sys us, ctxsw/msg ("-": no figure). */
    String cells() {
      return String.format(
          Locale.ROOT,
          "%11s %11s %15s %9s",
          node.map(c -> fmt(c.cpuUs())).orElse("-"),
          cassandra.map(c -> fmt(c.cpuUs())).orElse("-"),
          node.map(c -> fmt(c.userUs()) + "/" + fmt(c.systemUs())).orElse("-"),
          node.filter(c -> c.contextSwitches() >= 0)
              .map(c -> String.format(Locale.ROOT, "%.2f", c.contextSwitches()))
              .orElse("-"));
    }

    private static String fmt(double us) {
      return String.format(Locale.ROOT, "%.1f", us);
    }

    private static double us(Optional<Double> v) {
      return v.map(StepResult::round).orElse(-1.0);
    }

    private static double switches(Optional<CpuPerMessage> c) {
      return c.filter(x -> x.contextSwitches() >= 0)
          .map(x -> Math.round(x.contextSwitches() * 100) / 100.0)
          .orElse(-1.0);
    }
  }

  private final Thread thread;
  private volatile ProcSample nodeFrom = ProcSample.UNREADABLE, nodeTo = ProcSample.UNREADABLE;
  private volatile ProcSample cassandraFrom = ProcSample.UNREADABLE,
      cassandraTo = ProcSample.UNREADABLE;

  private StepCpu(Window window, long nodePid, long cassandraPid) {
    thread =
        new Thread(
            () -> {
              if (!sleepUntil(window.measuredFrom())) return;
              nodeFrom = ProcSample.of(nodePid);
              cassandraFrom = ProcSample.of(cassandraPid);
              if (!sleepUntil(window.measuredUntil())) return;
              nodeTo = ProcSample.of(nodePid);
              cassandraTo = ProcSample.of(cassandraPid);
            },
            "bench-cpu");
    thread.setDaemon(true);
  }

  /**
   * Starts sampling for this window (pid 0: that process is not visible; its figures are absent).
   */
  static StepCpu sample(Window window, long nodePid, long cassandraPid) {
    StepCpu s = new StepCpu(window, nodePid, cassandraPid);
    s.thread.start();
    return s;
  }

  /** Waits for the window's end sample, then divides. */
  Cost cost(long messages, long deliveries) throws InterruptedException {
    thread.join();
    return new Cost(
        messages,
        deliveries,
        CpuPerMessage.of(nodeFrom, nodeTo, messages),
        CpuPerMessage.of(cassandraFrom, cassandraTo, messages),
        CpuPerMessage.of(nodeFrom, nodeTo, deliveries),
        CpuPerMessage.of(cassandraFrom, cassandraTo, deliveries));
  }

  /** False if interrupted (the run is being abandoned). */
  private static boolean sleepUntil(long nanos) {
    for (long wait = nanos - System.nanoTime(); wait > 0; wait = nanos - System.nanoTime()) {
      LockSupport.parkNanos(wait);
      if (Thread.currentThread().isInterrupted()) return false;
    }
    return true;
  }
}
