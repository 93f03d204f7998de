package io.parley.bench;

import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU of the node, Cassandra and the load tool itself, and the node's own counters, before and
 * after a step: on one box, where the cores go is half the story of a number.
 */
final class Usage {
  private final HttpClient http;
  private final String host;
  // The node's management port: /metrics is served there only.
  private final int metricsPort;
  final long nodePid;
  final long cassandraPid;
  private final long selfPid = ProcessHandle.current().pid();

  private record Sample(long nanos, double node, double cassandra, double self, String metrics) {}

  private Sample before;

  Usage(HttpClient http, Options o) {
    this.http = http;
    this.host = o.host();
    this.metricsPort = o.metricsPort();
    boolean local = o.host().startsWith("127.") || o.host().equals("localhost");
    this.nodePid = o.nodePid() > 0 ? o.nodePid() : local ? ProcStats.pidListeningOn(o.port()) : 0;
    int cqlPort = Integer.parseInt(o.cassandra().substring(o.cassandra().lastIndexOf(':') + 1));
    this.cassandraPid = local ? ProcStats.pidListeningOn(cqlPort) : 0;
  }

  void start() {
    before = sample();
  }

  private Sample sample() {
    return new Sample(
        System.nanoTime(),
        ProcStats.cpuSeconds(nodePid),
        ProcStats.cpuSeconds(cassandraPid),
        ProcStats.cpuSeconds(selfPid),
        ProcStats.scrape(http, host, metricsPort));
  }

  /** Cores used by each process over the step, and the node's counters' deltas. */
  Map<String, Object> stop() {
    Sample after = sample();
    double seconds = (after.nanos - before.nanos) / 1e9;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seconds", StepResult.round(seconds));
    m.put("load_average", ProcStats.loadAverage());
    m.put("node_cores", cores(before.node, after.node, seconds));
    m.put("cassandra_cores", cores(before.cassandra, after.cassandra, seconds));
    m.put("bench_cores", cores(before.self, after.self, seconds));
    m.put("node_rss_mb", nodePid > 0 ? ProcStats.rssKb(nodePid) / 1024 : -1);
    if (!before.metrics.isEmpty() && !after.metrics.isEmpty()) {
      m.put("node_messages_in", delta("parley_messages_in_total", after));
      m.put("node_messages_out", delta("parley_messages_out_total", after));
      m.put("node_send_persist_mean_ms", mean("parley_send_persist_seconds", after));
      m.put("node_journal_write_mean_ms", mean("parley_journal_write_seconds", after));
      m.put(
          "node_gc_pause_seconds",
          StepResult.round(delta("jvm_gc_pause_seconds_sum", after) * 1000) / 1000);
    }
    return m;
  }

  private double delta(String series, Sample after) {
    return ProcStats.sum(after.metrics, series) - ProcStats.sum(before.metrics, series);
  }

  private double mean(String timer, Sample after) {
    double count = delta(timer + "_count", after);
    return count == 0
        ? 0
        : StepResult.round(delta(timer + "_sum", after) / count * 1000 * 100) / 100;
  }

  private static double cores(double from, double to, double seconds) {
    return from < 0 || to < 0 ? -1 : Math.round((to - from) / seconds * 100) / 100.0;
  }
}
