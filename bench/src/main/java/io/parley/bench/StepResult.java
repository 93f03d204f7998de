package io.parley.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one load step measured, as the table, the JSON and the chart show it. */
record StepResult(
    String tag,
    double offeredRate,
    double msgsPerSecond,
    double deliveriesPerSecond,
    Latencies.Summary sendToSent,
    Latencies.Summary sendToDelivered,
    Map<String, Long> errors,
    Map<String, Long> warmupErrors,
    Checker.Verdict verdict,
    Map<String, Object> resources,
    StepCpu.Cost cpu,
    List<Double> secondP99s) {

  long errorTotal() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Seconds whose own p99 send→delivered exceeded the bound (a stall, or overload if most do). */
  long secondsOverBound(double boundMs) {
    return secondP99s.stream().filter(p -> p > boundMs).count();
  }

  /** Sustainable: p99 send→delivered within the bound, no errors, the offered rate achieved. */
  boolean sustainable(double boundMs) {
    return verdict.ok()
        && errorTotal() == 0
        && sendToDelivered.count() > 0
        && sendToDelivered.p99() <= boundMs
        && msgsPerSecond >= 0.95 * offeredRate;
  }

  static StepResult of(
      LoadRun run, Checker.Verdict verdict, Map<String, Object> resources, StepCpu.Cost cpu) {
    return new StepResult(
        run.tag,
        run.rate,
        run.msgsPerSecond(),
        run.deliveriesPerSecond(),
        Latencies.Summary.of(run.sent.total()),
        Latencies.Summary.of(run.delivered.total()),
        run.errorCounts(),
        run.warmupErrorCounts(),
        verdict,
        resources,
        cpu,
        run.secondP99s());
  }

  Map<String, Object> toMap(double boundMs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", tag);
    m.put("offered_rate", offeredRate);
    m.put("msgs_per_s", round(msgsPerSecond));
    m.put("deliveries_per_s", round(deliveriesPerSecond));
    m.put("send_to_sent_ms", sendToSent);
    m.put("send_to_delivered_ms", sendToDelivered);
    m.put("errors", errors);
    m.put("warmup_errors", warmupErrors);
    m.put("checker", verdict.toMap());
    m.put("seconds_over_bound", secondsOverBound(boundMs));
    m.put("per_second_p99_ms", secondP99s);
    m.put("sustainable", sustainable(boundMs));
    Map<String, Object> used = new LinkedHashMap<>(resources);
    used.putAll(cpu.toMap());
    m.put("resources", used);
    return m;
  }

  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
