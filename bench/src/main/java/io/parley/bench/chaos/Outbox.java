package io.parley.bench.chaos;

import io.parley.bench.Frame;
import io.parley.bench.chaos.Records.Attempt;
import io.parley.bench.chaos.Records.Outcome;
import io.parley.bench.chaos.Records.Send;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One device's sends, each retried by its cid until it is acked {@code sent} or {@code retryFor}
 * has passed since it was issued. While a send has an attempt unanswered, its cid is sent again on
 * the same connection every {@link Timings#hedgeEvery} (a hedge; at most {@link #MAX_IN_FLIGHT}
 * attempts in flight), as a mobile client resends on a timer: the edge stores a cid once and
 * answers every attempt of it with the same {@code sent}, and the first {@code sent} settles the
 * send. Once none of its attempts is in flight, a send is retried after {@code unavailable}, {@code
 * internal} or another refusal ({@code rate_limited}) with backoff (200 ms doubling to 2 s), after
 * no answer within {@link Timings#answerTimeout} at once, and after the socket dropped once the
 * device is connected again. Every write keeps to the device's {@link SendBudget}: a device with
 * many sends pending spreads them, and skips hedges, rather than being answered {@code
 * rate_limited}. Every attempt and answer is recorded, late answers included. Runs under the
 * device's lock (timers take it).
 */
final class Outbox {
  static final String RID_PREFIX = "s";
  private static final String RATE_LIMITED = "rate_limited";

  private static final Duration BACKOFF_FIRST = Duration.ofMillis(200);
  private static final Duration BACKOFF_MAX = Duration.ofSeconds(2);
  // An attempt lost on its way is answered `internal` after the edge's wait (9 s): at one hedge
  // every 2 s about five are in flight by then. More would only fill the edge's send gate
  // (parley.limits.max-sends-in-flight) while a core node is down.
  static final int MAX_IN_FLIGHT = 5;

  /** One attempt being recorded. */
  private static final class Try {
    final Instant at;
    final String edge;
    Outcome outcome = Outcome.UNANSWERED;
    Instant answeredAt;
    long seq = -1;
    boolean late;

    Try(Instant at, String edge) {
      this.at = at;
      this.edge = edge;
    }
  }

  /** One send being recorded. */
  private static final class Pending {
    final String cid;
    final Instant issued;
    final List<Try> tries = new ArrayList<>();
    // Attempts written on the current connection and neither answered nor timed out.
    int inFlight;
    boolean acked;
    boolean abandoned;
    boolean retryScheduled;
    int refusals;

    Pending(String cid, Instant issued) {
      this.cid = cid;
      this.issued = issued;
    }

    boolean finished() {
      return acked || abandoned;
    }
  }

  private record Sent(Pending send, Try attempt) {}

  private final Device device;
  private final Shared shared;
  private final SendBudget budget;
  private final List<Pending> all = new ArrayList<>();
  private final Map<String, Sent> byRid = new HashMap<>();
  private int rids;
  private boolean stopped;

  Outbox(Device device, Shared shared) {
    this.device = device;
    this.shared = shared;
    this.budget = SendBudget.share(shared.devicesPerUser);
  }

  /** A new message: sent now if the device is connected, else once it is. */
  void issue(String cid) {
    synchronized (device) {
      if (stopped) return;
      Pending p = new Pending(cid, Instant.now());
      all.add(p);
      shared.counters.issued.increment();
      attempt(p);
    }
  }

  /**
   * Sends p now, or once the budget has a token for it, unless it is done, has an attempt in flight
   * (its hedges go on) or waits already.
   */
  private void attempt(Pending p) {
    if (p.inFlight > 0 || p.retryScheduled || !mayWrite(p)) return;
    long wait = budget.reserve(System.nanoTime());
    if (wait == 0) {
      write(p, false);
    } else {
      p.retryScheduled = true;
      shared.after(Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(wait) + 1), () -> reserved(p));
    }
  }

  /** The token reserved for p is due: p goes unless it no longer should. */
  private void reserved(Pending p) {
    synchronized (device) {
      p.retryScheduled = false;
      if (p.inFlight == 0 && mayWrite(p)) write(p, false);
    }
  }

  /**
   * The timer of p's latest attempt t: while an attempt of p is unanswered, p's cid goes again, if
   * the budget spares a token; else the timer looks again after another hedgeEvery.
   */
  private void hedge(Pending p, Try t) {
    synchronized (device) {
      if (p.finished() || stopped || p.inFlight == 0 || p.tries.get(p.tries.size() - 1) != t)
        return;
      if (!p.retryScheduled
          && p.inFlight < MAX_IN_FLIGHT
          && mayWrite(p)
          && budget.tryHedge(System.nanoTime())) {
        write(p, true);
      } else {
        shared.after(shared.timings.hedgeEvery(), () -> hedge(p, t));
      }
    }
  }

  /**
   * Whether p should be written now; gives it up once retryFor has passed and none is in flight.
   */
  private boolean mayWrite(Pending p) {
    if (p.finished() || stopped) return false;
    if (Duration.between(p.issued, Instant.now()).compareTo(shared.retryFor) > 0) {
      if (p.inFlight == 0) abandon(p);
      return false;
    }
    return device.isReady();
  }

  private void write(Pending p, boolean hedge) {
    String rid = RID_PREFIX + (++rids);
    Try t = new Try(Instant.now(), device.edge());
    if (!p.tries.isEmpty()) shared.counters.retries.increment();
    if (hedge) shared.counters.hedges.increment();
    p.tries.add(t);
    p.inFlight++;
    byRid.put(rid, new Sent(p, t));
    shared.after(shared.timings.answerTimeout(), () -> timedOut(p, t));
    shared.after(shared.timings.hedgeEvery(), () -> hedge(p, t));
    device.write(
        "{\"type\":\"send\",\"rid\":\""
            + rid
            + "\",\"conv\":\""
            + device.conv
            + "\",\"cid\":\""
            + p.cid
            + "\",\"body\":\"chaos "
            + p.cid
            + "\",\"kind\":\"text\"}");
  }

  /** The answer to an attempt: {@code sent}, or an error. */
  void answer(Frame f) {
    Sent s = byRid.remove(f.rid());
    if (s == null) return;
    Pending p = s.send();
    Try t = s.attempt();
    if (t.outcome != Outcome.UNANSWERED && t.outcome != Outcome.TIMEOUT) return;
    boolean awaited = t.outcome == Outcome.UNANSWERED;
    if (awaited) p.inFlight--;
    t.late = !awaited;
    t.answeredAt = Instant.now();
    if ("sent".equals(f.type())) {
      t.outcome = Outcome.SENT;
      t.seq = f.seq();
      if (!p.acked) {
        if (!p.abandoned) shared.counters.finished.increment();
        p.acked = true;
        shared.counters.acked.increment();
      }
    } else {
      t.outcome =
          switch (f.code() == null ? "" : f.code()) {
            case "unavailable" -> Outcome.UNAVAILABLE;
            case "internal" -> Outcome.INTERNAL;
            default -> Outcome.REFUSED;
          };
      if (t.outcome == Outcome.INTERNAL) shared.counters.unknown.increment();
      else shared.counters.refused.increment();
      if (RATE_LIMITED.equals(f.code())) budget.drain(System.nanoTime());
    }
    // While another attempt is in flight, the hedges go on; a late answer changes nothing.
    if (!awaited || p.inFlight > 0 || p.finished() || p.retryScheduled) return;
    long delay = backoff(BACKOFF_FIRST, BACKOFF_MAX, p.refusals++);
    p.retryScheduled = true;
    shared.after(Duration.ofMillis(delay), () -> retry(p));
  }

  /** {@code first} doubled {@code n} times, at most {@code max}. */
  static long backoff(Duration first, Duration max, int n) {
    return Math.min(max.toMillis(), first.toMillis() << Math.min(n, 16));
  }

  private void retry(Pending p) {
    synchronized (device) {
      p.retryScheduled = false;
      attempt(p);
    }
  }

  private void timedOut(Pending p, Try t) {
    synchronized (device) {
      if (t.outcome != Outcome.UNANSWERED) return;
      t.outcome = Outcome.TIMEOUT;
      p.inFlight--;
      shared.counters.timeouts.increment();
      attempt(p);
    }
  }

  /** The socket dropped: answers to its attempts will never come; resend once ready. */
  void closed() {
    for (Sent s : byRid.values()) {
      if (s.attempt().outcome != Outcome.UNANSWERED) continue;
      s.attempt().outcome = Outcome.CLOSED;
      s.send().inFlight--;
    }
    byRid.clear();
  }

  /** The device is connected again: every unacked send goes again with its cid. */
  void ready() {
    for (Pending p : all) attempt(p);
  }

  /** Gives up on sends past retryFor that wait for nothing. */
  void expire() {
    for (Pending p : all) attempt(p);
  }

  private void abandon(Pending p) {
    p.abandoned = true;
    shared.counters.finished.increment();
  }

  /** Whether every send is acked or given up, with no attempt awaiting its answer. */
  boolean settled() {
    synchronized (device) {
      for (Pending p : all) if (!p.finished() || p.inFlight > 0) return false;
      return true;
    }
  }

  /** No more attempts from now on (the run's final sync must not send). */
  void stop() {
    synchronized (device) {
      stopped = true;
    }
  }

  List<Send> sends() {
    synchronized (device) {
      List<Send> sends = new ArrayList<>();
      for (Pending p : all) {
        List<Attempt> attempts =
            p.tries.stream()
                .map(t -> new Attempt(t.at, t.edge, t.outcome, t.answeredAt, t.seq, t.late))
                .toList();
        sends.add(new Send(device.conv, p.cid, device.user, device.id, p.issued, attempts));
      }
      return sends;
    }
  }
}
