package io.parley.bench;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The ceiling at the load's own shape: {@link Ceiling}'s bare persist-and-reply, but open loop at
 * fixed rates over as many entities as the load has conversations, each command's latency counted
 * from its intended time, judged by the same p99 bound as the load. The closed-loop ceiling keeps
 * hundreds of writes in flight and answers "how many events a second at all"; Parley's
 * conversations write one or two at a time, and this answers what Pekko Persistence and Cassandra
 * alone hold on this box in that shape. Runs when the ceiling scenario gets {@code --rate}, {@code
 * --rates} or {@code --find-max}.
 */
final class PacedCeiling {
  private final Options o;
  private final PrintStream out;

  PacedCeiling(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
  }

  int run() throws Exception {
    String started = Instant.now().toString();
    try (Ceiling.Stack stack = Ceiling.Stack.start(o)) {
      ActorSystem<Void> system = stack.system();
      EntityRef<Ceiling.Persist>[] entities = stack.entities();
      Usage usage = new Usage(HttpClient.newHttpClient(), o);
      out.printf(
          Locale.ROOT,
          "Ceiling, paced: %d entities, journal %s, open loop, latency from each command's intended time%n",
          o.entities(),
          o.journal());
      List<Double> rates = o.rates().isEmpty() ? List.of(o.rate()) : o.rates();
      // The measured JVM is this one, new at every run: auto always warms it.
      int warmup =
          o.nodeWarmupSec() == ColdStart.AUTO ? ColdStart.AUTO_WARMUP_SECONDS : o.nodeWarmupSec();
      if (warmup > 0) {
        double rate = o.findMax() ? o.startRate() : rates.get(0);
        out.printf(
            Locale.ROOT,
            "-- warming this JVM up: %d s at %.0f events/s, not reported (--node-warmup 0 skips it)%n",
            warmup,
            rate);
        step(system, entities, usage, "w", rate, o.with(rate, warmup, 1));
      }
      FindMax.Stepper stepper = (tag, rate) -> step(system, entities, usage, tag, rate, o);
      List<StepResult> steps = new ArrayList<>();
      StepResult best = null;
      if (o.findMax()) {
        FindMax.Outcome outcome = FindMax.run(o, stepper);
        steps.addAll(outcome.steps());
        best = outcome.best();
      } else {
        int i = 1;
        for (double rate : rates) steps.add(stepper.step("s" + i++, rate));
      }
      out.println();
      out.println(
          "Both latency columns are persist->reply, from the intended time; msgs/s are events persisted and replied;"
              + " node us/msg is this JVM's.");
      out.print(Report.table(steps));
      if (o.findMax()) {
        out.printf(
            Locale.ROOT,
            "Max sustainable rate of the bare stack (p99 <= %.0f ms, all answered): %s%n",
            o.boundMs(),
            best == null
                ? "none of the steps"
                : String.format(Locale.ROOT, "%.0f events/s", best.offeredRate()));
      }
      Map<String, Object> report = Report.header("ceiling", o.label(), started);
      report.put("mode", "paced");
      report.put("journal", o.journal());
      report.put("cassandra", o.cassandra());
      report.put("entities", o.entities());
      report.put("warmup_s", warmup);
      report.put("bound_ms", o.boundMs());
      report.put("steps", steps.stream().map(s -> s.toMap(o.boundMs())).toList());
      if (o.findMax()) report.put("max_sustainable", best == null ? null : best.toMap(o.boundMs()));
      String name = Report.fileName("ceiling");
      Path json = Report.writeJson(o.out(), name, report);
      Path html =
          Chart.write(
              o.out(),
              name,
              "Parley bench: ceiling, paced (" + o.entities() + " entities)",
              steps,
              o.boundMs());
      out.println("JSON:  " + json);
      out.println("Chart: " + html);
      return 0;
    }
  }

  private StepResult step(
      ActorSystem<Void> system,
      EntityRef<Ceiling.Persist>[] entities,
      Usage usage,
      String tag,
      double rate,
      Options timing)
      throws Exception {
    out.printf(
        Locale.ROOT,
        "-- step %s: %.0f events/s offered, %d s warm-up + %d s measured%n",
        tag,
        rate,
        timing.warmupSec(),
        timing.durationSec());
    Window window = Window.openLoop(timing.warmupSec(), timing.durationSec());
    long start = window.start();
    Latencies latency = new Latencies();
    LongAdder answered = new LongAdder();
    LongAdder answeredInWindow = new LongAdder();
    ActorRef<Ceiling.DriverMsg> replies =
        system.systemActorOf(
            Behaviors.receive(Ceiling.DriverMsg.class)
                .onMessage(
                    Ceiling.Ack.class,
                    ack -> {
                      answered.increment();
                      long intended = ack.sentNanos();
                      if (window.measures(intended)) {
                        answeredInWindow.increment();
                        latency.record(System.nanoTime() - intended);
                      }
                      return Behaviors.same();
                    })
                .onMessageEquals(Ceiling.Stop.INSTANCE, Behaviors::stopped)
                .build(),
            "paced-ceiling-" + tag,
            Props.empty());
    ActorRef<Ceiling.Ack> replyTo = replies.narrow();
    List<Double> secondP99s = new ArrayList<>();
    long[] last = {0};
    Progress progress =
        Progress.start(
            () -> {
              double p99 = latency.drainP99Ms();
              if (!Double.isNaN(p99)) secondP99s.add(p99);
              long now = answered.sum();
              if (!o.quiet()) {
                out.printf(
                    Locale.ROOT,
                    "[%4ds] rate %7.0f/s  persisted and replied %7d/s  p99 %s ms%n",
                    (System.nanoTime() - start) / 1_000_000_000L,
                    rate,
                    now - last[0],
                    Double.isNaN(p99) ? "   -  " : String.format(Locale.ROOT, "%6.1f", p99));
              }
              last[0] = now;
            });
    OpenLoop loop = new OpenLoop(rate, start);
    long count = loop.count(timing.warmupSec() + timing.durationSec());
    // This JVM stands in the node's columns: it is the whole stack above Cassandra here.
    StepCpu cpu = StepCpu.sample(window, ProcessHandle.current().pid(), usage.cassandraPid);
    usage.start();
    try {
      loop.run(
          count,
          (n, due) ->
              entities[(int) (n % entities.length)].tell(new Ceiling.Persist(due, replyTo)));
      long drainUntil = System.nanoTime() + o.drainSec() * 1_000_000_000L;
      while (answered.sum() < count && System.nanoTime() < drainUntil) Thread.sleep(20);
    } finally {
      progress.stop();
      replies.tell(Ceiling.Stop.INSTANCE);
    }
    Map<String, Object> resources = usage.stop();
    resources.put("ceiling_jvm_cores", resources.remove("bench_cores"));
    long unanswered = count - answered.sum();
    Map<String, Long> errors = unanswered > 0 ? Map.of("unanswered", unanswered) : Map.of();
    Checker.Verdict verdict =
        new Checker.Verdict(
            count, answered.sum(), 0, unanswered, 0, 0, 0, 0, 0, 0, 0, false, List.of());
    Latencies.Summary summary = Latencies.Summary.of(latency.total());
    double perSecond = answeredInWindow.sum() / (double) timing.durationSec();
    StepResult r =
        new StepResult(
            tag,
            rate,
            perSecond,
            perSecond,
            summary,
            summary,
            errors,
            Map.of(),
            verdict,
            resources,
            cpu.cost(answeredInWindow.sum(), answeredInWindow.sum()),
            List.copyOf(secondP99s));
    out.printf(
        Locale.ROOT,
        "   %s: %.1f events/s, p99 persist->reply %.1f ms (over %.0f ms in %d of %d s), unanswered %d, cores: this JVM %s, cassandra %s%n",
        tag,
        perSecond,
        summary.p99(),
        o.boundMs(),
        r.secondsOverBound(o.boundMs()),
        secondP99s.size(),
        unanswered,
        resources.get("ceiling_jvm_cores"),
        resources.get("cassandra_cores"));
    return r;
  }
}
