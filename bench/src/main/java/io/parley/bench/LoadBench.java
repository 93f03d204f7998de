package io.parley.bench;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The direct, mixed, group, room and hot scenarios: set up, run one step or find the max, report.
 */
final class LoadBench {
  private final Options o;
  private final PrintStream out;
  private boolean warned;
  private boolean warmFailed;

  LoadBench(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
  }

  /** Runs and reports; returns the exit status (1 when the checker failed a step). */
  int run() throws Exception {
    // REST (registration, metrics) on the JDK's client; the sockets on the tool's own wire.
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    WebSocketWire wire = new WebSocketWire();
    Scenarios scenarios = new Scenarios(o, http, wire, out);
    String started = Instant.now().toString();
    String loadBefore = ProcStats.loadAverage();
    String sendLimit = SendShape.warning(o);
    if (sendLimit != null) out.println("Warning: " + sendLimit);
    out.printf(
        Locale.ROOT,
        "Setting up %s (users %s-*) against %s:%d ...%n",
        o.scenario(),
        scenarios.prefix,
        o.host(),
        o.port());
    long setupStart = System.nanoTime();
    Topology t;
    try {
      t = scenarios.setup();
    } catch (Exception e) {
      scenarios.close();
      wire.close();
      throw e;
    }
    out.printf(
        Locale.ROOT,
        "%s: %d sockets, %d sending, set up in %.1f s; load average %s%n",
        t.description,
        t.clients.size(),
        t.slots.size(),
        (System.nanoTime() - setupStart) / 1e9,
        ProcStats.loadAverage());
    Checker checker = new Checker(t.clients.size(), t.setupSeq);
    t.notes.forEach(n -> out.println("Note: " + n));
    Progress upkeep = Upkeep.start(t, checker, o.acksEach() ? 0 : o.ackIntervalMs());
    Usage usage = new Usage(http, o);
    ColdStart.Ages ages =
        new ColdStart.Ages(nodeAge(http, usage), ProcStats.ageSeconds(usage.cassandraPid));
    int nodeWarmup = ColdStart.warmupSeconds(o.nodeWarmupSec(), ages);
    String findMaxCaveat = o.findMax() ? ages.findMaxCaveat() : null;
    if (findMaxCaveat != null) out.println("Note: " + findMaxCaveat);
    try {
      if (nodeWarmup > 0) {
        double rate =
            o.findMax() ? o.startRate() : o.rates().isEmpty() ? o.rate() : o.rates().get(0);
        if (o.nodeWarmupSec() == ColdStart.AUTO) {
          out.printf(
              Locale.ROOT,
              "Note: %s; a JVM's first minutes run slower while it compiles, so they are"
                  + " warmed up first (--node-warmup 0 measures them as they are)%n",
              ages.describe());
        }
        out.printf(
            Locale.ROOT,
            "-- warming the node up: %d s at %.0f msgs/s, not reported%n",
            nodeWarmup,
            rate);
        LoadRun warm = new LoadRun(o.with(rate, nodeWarmup, 1), t, checker, "w", rate);
        warm.run(w -> {}, r -> {});
        Checker.Verdict v = warm.verdict(null);
        if (!v.ok()) {
          warmFailed = true;
          out.println("   the warm-up step failed the check: " + v.toMap());
        }
      }
      FindMax.Stepper stepper = (tag, rate) -> step(t, checker, usage, tag, rate);
      List<StepResult> steps;
      StepResult best = null;
      if (o.findMax()) {
        FindMax.Outcome outcome = FindMax.run(o, stepper);
        steps = outcome.steps();
        best = outcome.best();
      } else {
        steps = new ArrayList<>();
        List<Double> rates = o.rates().isEmpty() ? List.of(o.rate()) : o.rates();
        int i = 1;
        for (int r = 0; r < Math.max(1, o.repeat()); r++) {
          for (double rate : rates) steps.add(stepper.step("s" + i++, rate));
        }
      }
      out.println();
      out.print(Report.table(steps));
      if (o.findMax()) {
        out.printf(
            Locale.ROOT,
            "Max sustainable rate (p99 send->delivered <= %.0f ms, no errors): %s%n",
            o.boundMs(),
            best == null
                ? "none of the steps"
                : String.format(
                    Locale.ROOT,
                    "%.0f msgs/s offered, %.1f delivered",
                    best.offeredRate(),
                    best.msgsPerSecond()));
        if (findMaxCaveat != null)
          out.println("   (on young processes: see the note at the start)");
      }
      boolean ok = !warmFailed && steps.stream().allMatch(s -> s.verdict().ok());
      Map<String, Object> ceiling = null;
      if (o.withCeiling()) {
        // The load is over; its sockets stay open but quiet while the ceiling runs.
        // At least 10 s of warm-up: the ceiling's first commands recover their entities.
        Options timing =
            o.with(o.rate(), Math.max(10, o.warmupSec()), Math.max(10, o.durationSec()));
        Ceiling.Result c = new Ceiling(timing, out).measure();
        StepResult reference = best != null ? best : steps.get(steps.size() - 1);
        double ratio =
            c.eventsPerSecond() == 0 ? 0 : reference.msgsPerSecond() / c.eventsPerSecond();
        out.printf(
            Locale.ROOT,
            "Parley %.1f msgs/s end to end = %.2f of the ceiling's %.0f events/s%n",
            reference.msgsPerSecond(),
            ratio,
            c.eventsPerSecond());
        ceiling = new LinkedHashMap<>();
        ceiling.put("events_per_s", StepResult.round(c.eventsPerSecond()));
        ceiling.put("persist_to_reply_ms", c.latency());
        ceiling.put("resources", c.resources());
        ceiling.put("entities", o.entities());
        ceiling.put("outstanding", o.outstanding());
        ceiling.put("parley_msgs_per_s", StepResult.round(reference.msgsPerSecond()));
        ceiling.put("ratio", Math.round(ratio * 1000) / 1000.0);
      }
      Map<String, Object> report = Report.header(o.scenario(), o.label(), started);
      report.put("description", t.description);
      report.put("setup_notes", t.notes);
      // Entries written before the first step (a group's `created`, a direct conversation's
      // priming post): not measured, not checked.
      report.put("setup_entries", t.setupSeq.values().stream().mapToLong(Long::longValue).sum());
      report.put("load_average_before", loadBefore);
      report.put("node_pid", usage.nodePid);
      report.put("cassandra_pid", usage.cassandraPid);
      report.put("node_age_s", StepResult.round(ages.node()));
      report.put("cassandra_age_s", StepResult.round(ages.cassandra()));
      report.put("node_warmup_s", nodeWarmup);
      report.put("options", options(t));
      report.put("steps", steps.stream().map(s -> s.toMap(o.boundMs())).toList());
      if (o.findMax()) report.put("max_sustainable", best == null ? null : best.toMap(o.boundMs()));
      if (ceiling != null) report.put("ceiling", ceiling);
      report.put("ok", ok);
      String name = Report.fileName(o.scenario());
      Path json = Report.writeJson(o.out(), name, report);
      Path html =
          Chart.write(
              o.out(),
              name,
              "Parley bench: " + o.scenario() + " (" + t.description + ")",
              steps,
              o.boundMs());
      out.println("JSON:  " + json);
      out.println("Chart: " + html);
      if (!ok) {
        out.println(
            "CHECK FAILED: "
                + steps.stream()
                    .filter(s -> !s.verdict().ok())
                    .map(s -> s.tag() + " " + s.verdict().toMap())
                    .toList());
      }
      return ok ? 0 : 1;
    } finally {
      upkeep.stop();
      scenarios.close();
      t.close();
      wire.close();
    }
  }

  private StepResult step(Topology t, Checker checker, Usage usage, String tag, double rate)
      throws Exception {
    out.printf(
        Locale.ROOT,
        "-- step %s: %.0f msgs/s offered (%.1f/s per sending socket), %d s warm-up + %d s measured%n",
        tag,
        rate,
        t.ratePerSender(rate),
        o.warmupSec(),
        o.durationSec());
    if (t.ratePerSender(rate) > SendShape.SAFE_PER_SOCKET && !warned) {
      warned = true;
      out.println(
          "   Note: the node's default limit is 20 sends/s per socket (burst 50): start it with"
              + " PARLEY_SEND_RATE=100000 PARLEY_SEND_BURST=100000 or expect rate_limited errors.");
    }
    LoadRun run = new LoadRun(o, t, checker, tag, rate);
    long[] last = new long[3];
    long start = System.nanoTime();
    long msgsBefore = t.msgsReceived(), acksBefore = t.acksSent();
    StepCpu[] cpu = new StepCpu[1];
    usage.start();
    run.run(
        w -> cpu[0] = StepCpu.sample(w, usage.nodePid, usage.cassandraPid),
        r -> {
          if (!o.quiet()) out.println(Progress.line(r, last, start));
        });
    Map<String, Object> resources = usage.stop();
    StepCpu.Cost cost = cpu[0].cost(run.measuredMessages(), run.measuredDeliveries());
    HistoryCheck.Result history = null;
    if (o.historyCheck()) {
      history = HistoryCheck.check(t, run, checker);
      resources.put("history_entries_read", history.entriesRead());
    }
    // Counted after the history check, by when every own-socket echo has arrived (and been acked).
    resources.put("client_msg_frames", t.msgsReceived() - msgsBefore);
    resources.put("client_acks_sent", t.acksSent() - acksBefore);
    StepResult r = StepResult.of(run, run.verdict(history), resources, cost);
    out.printf(
        Locale.ROOT,
        "   %s: %.1f msgs/s, p99 send->delivered %.1f ms (over %.0f ms in %d of %d s), errors %s%s, check %s, cores node %s cassandra %s bench %s%n",
        tag,
        r.msgsPerSecond(),
        r.sendToDelivered().p99(),
        o.boundMs(),
        r.secondsOverBound(o.boundMs()),
        r.secondP99s().size(),
        r.errors(),
        r.warmupErrors().isEmpty() ? "" : " (in the warm-up, not judged: " + r.warmupErrors() + ")",
        r.verdict().ok() ? "ok" : "FAILED " + r.verdict().toMap(),
        resources.get("node_cores"),
        resources.get("cassandra_cores"),
        resources.get("bench_cores"));
    Map<String, Object> per = cost.toMap();
    out.printf(
        Locale.ROOT,
        "   CPU us per message: node %s (user %s, system %s, %s context switches), cassandra %s;"
            + " per delivery: node %s, cassandra %s (%d messages, %d deliveries in the measured %d s)%n",
        per.get("node_us_per_msg"),
        per.get("node_user_us_per_msg"),
        per.get("node_system_us_per_msg"),
        per.get("node_ctxsw_per_msg"),
        per.get("cassandra_us_per_msg"),
        per.get("node_us_per_delivery"),
        per.get("cassandra_us_per_delivery"),
        cost.messages(),
        cost.deliveries(),
        o.durationSec());
    if (r.errors().containsKey("rate_limited") || r.warmupErrors().containsKey("rate_limited")) {
      out.println(
          "   rate_limited: the node refused frames over its per-socket budgets; sends are limited by"
              + " PARLEY_SEND_RATE / PARLEY_SEND_BURST (default 20/s, burst 50)");
    }
    Thread.sleep(2000); // let the node settle between steps
    return r;
  }

  /** The node's uptime from its /metrics (so also for a node on another host), else from /proc. */
  private double nodeAge(HttpClient http, Usage usage) {
    String metrics = ProcStats.scrape(http, o.host(), o.metricsPort());
    if (metrics.contains("process_uptime_seconds"))
      return ProcStats.sum(metrics, "process_uptime_seconds");
    return ProcStats.ageSeconds(usage.nodePid);
  }

  private Map<String, Object> options(Topology t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", o.host() + ":" + o.port());
    m.put("rate", o.rate());
    m.put("rates", o.rates());
    m.put("duration_s", o.durationSec());
    m.put("warmup_s", o.warmupSec());
    m.put("body_bytes", o.bodyBytes());
    m.put("sockets", t.clients.size());
    m.put("senders", t.slots.size());
    m.put("conversations", t.members.size());
    m.put("find_max", o.findMax());
    m.put("repeat", o.repeat());
    m.put("bound_ms", o.boundMs());
    m.put("history_check", o.historyCheck());
    m.put("acks", o.acksEach() ? "each" : "batch");
    m.put("ack_interval_ms", o.acksEach() ? 0 : o.ackIntervalMs());
    // The busiest socket's sends per second at a step = this x the step's rate.
    m.put("busiest_sender_share", Math.round(t.ratePerSender(1) * 1e6) / 1e6);
    return m;
  }
}
