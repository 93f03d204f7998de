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
 * has passed since it was issued: after {@code unavailable}, {@code internal} or another refusal
 * ({@code rate_limited}) with backoff (200 ms doubling to 2 s), after no answer within {@link
 * Timings#answerTimeout} at once, and after the socket dropped once the device is connected again.
 * Every write keeps to the device's {@link SendBudget}, so a device with many sends pending (after
 * a long outage) spreads them rather than being answered {@code rate_limited}. Every attempt and
 * answer is recorded, late answers included. Runs under the device's lock (timers take it).
 */
final class Outbox {
  static final String RID_PREFIX = "s";
  private static final String RATE_LIMITED = "rate_limited";

  private static final Duration BACKOFF_FIRST = Duration.ofMillis(200);
  private static final Duration BACKOFF_MAX = Duration.ofSeconds(2);

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
    Try outstanding;
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

  /** Sends p now, or once the budget has a token for it, unless it is done or waits already. */
  private void attempt(Pending p) {
    if (p.outstanding != null || p.retryScheduled || !mayWrite(p)) return;
    long wait = budget.reserve(System.nanoTime());
    if (wait == 0) {
      write(p);
    } else {
      p.retryScheduled = true;
      shared.after(Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(wait) + 1), () -> reserved(p));
    }
  }

  /** The token reserved for p is due: p goes unless it no longer should. */
  private void reserved(Pending p) {
    synchronized (device) {
      p.retryScheduled = false;
      if (p.outstanding == null && mayWrite(p)) write(p);
    }
  }

  /** Whether p should be written now; gives it up once retryFor has passed. */
  private boolean mayWrite(Pending p) {
    if (p.finished() || stopped) return false;
    if (Duration.between(p.issued, Instant.now()).compareTo(shared.retryFor) > 0) {
      abandon(p);
      return false;
    }
    return device.isReady();
  }

  private void write(Pending p) {
    String rid = RID_PREFIX + (++rids);
    Try t = new Try(Instant.now(), device.edge());
    if (!p.tries.isEmpty()) shared.counters.retries.increment();
    p.tries.add(t);
    p.outstanding = t;
    byRid.put(rid, new Sent(p, t));
    shared.after(shared.timings.answerTimeout(), () -> timedOut(p, t));
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
    t.late = t.outcome == Outcome.TIMEOUT;
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
    if (p.outstanding != t) return;
    p.outstanding = null;
    if (p.finished()) return;
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
      shared.counters.timeouts.increment();
      if (p.outstanding == t) {
        p.outstanding = null;
        attempt(p);
      }
    }
  }

  /** The socket dropped: answers to its attempts will never come; resend once ready. */
  void closed() {
    for (Sent s : byRid.values()) {
      if (s.attempt().outcome == Outcome.UNANSWERED) s.attempt().outcome = Outcome.CLOSED;
      if (s.send().outstanding == s.attempt()) s.send().outstanding = null;
    }
    byRid.clear();
  }

  /** The device is connected again: every unacked send goes again with its cid. */
  void ready() {
    for (Pending p : all) attempt(p);
  }

  /** Gives up on sends past retryFor that wait for nothing. */
  void expire() {
    for (Pending p : all)
      if (!p.finished() && p.outstanding == null && !p.retryScheduled) attempt(p);
  }

  private void abandon(Pending p) {
    p.abandoned = true;
    shared.counters.finished.increment();
  }

  /** Whether every send is acked or given up, with no attempt awaiting its answer. */
  boolean settled() {
    synchronized (device) {
      for (Pending p : all) if (!p.finished() || p.outstanding != null) return false;
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
