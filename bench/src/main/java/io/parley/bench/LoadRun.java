package io.parley.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One measured step at one offered rate: sends go out open loop ({@link OpenLoop}) round-robin over
 * the topology's sending slots, for warm-up plus duration; then the run waits (at most {@code
 * --drain}) for every reply and push, and judges the step. Message n carries cid and rid {@code
 * <step>.<n>}, so every reply, error and push maps back to its intended send time.
 */
final class LoadRun implements LoadClient.Handler {
  final String tag;
  final double rate;
  private final Options o;
  private final Topology t;
  private final Checker checker;
  private final String body;
  private final int total;
  private final AtomicLongArray intended;
  // 0: no answer yet; > 0: the acked seq; -1: an error answered it.
  private final AtomicLongArray ackSeq;
  private final AtomicLongArray deliveredSeq;
  private final AtomicIntegerArray deliveredCount;
  final Latencies sent = new Latencies();
  final Latencies delivered = new Latencies();
  final LongAdder dispatched = new LongAdder();
  final LongAdder acked = new LongAdder();
  final LongAdder errored = new LongAdder();
  final LongAdder deliveries = new LongAdder();
  private final LongAdder expectedDeliveries = new LongAdder();
  private final LongAdder ackedInWindow = new LongAdder();
  private final LongAdder deliveredInWindow = new LongAdder();
  private final LongAdder duplicated = new LongAdder();
  // Errors of sends due in the measured window; those due in the warm-up are kept apart, as
  // their latencies are, so a step is judged on its window only (and still shows what it shed).
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> warmupErrors = new ConcurrentHashMap<>();
  // p99 send→delivered (ms) of each second that saw deliveries of measured sends, in order: a
  // step's p99 can come from one stall or from every second, and this tells which.
  private final List<Double> secondP99s = new ArrayList<>();
  private volatile double lastSecondP99 = Double.NaN;
  private Window window;

  LoadRun(Options o, Topology t, Checker checker, String tag, double rate) {
    this.o = o;
    this.t = t;
    this.checker = checker;
    this.tag = tag;
    this.rate = rate;
    this.body = "x".repeat(Math.max(1, o.bodyBytes()));
    this.total =
        (int) Math.min(Integer.MAX_VALUE - 8, Math.floor(rate * (o.warmupSec() + o.durationSec())));
    this.intended = new AtomicLongArray(total);
    this.ackSeq = new AtomicLongArray(total);
    this.deliveredSeq = new AtomicLongArray(total);
    this.deliveredCount = new AtomicIntegerArray(total);
  }

  /**
   * Sends the step's messages on the calling thread, then waits for the stragglers; {@code
   * onWindow} hears the step's clock before the first send.
   */
  void run(Consumer<Window> onWindow, Consumer<LoadRun> everySecond) {
    window = Window.openLoop(o.warmupSec(), o.durationSec());
    onWindow.accept(window);
    OpenLoop loop = new OpenLoop(rate, window.start());
    t.clients.forEach(c -> c.handler(this));
    Progress progress =
        Progress.start(
            () -> {
              tick();
              everySecond.accept(this);
            });
    try {
      loop.run(total, this::send);
      long drainUntil = System.nanoTime() + o.drainSec() * 1_000_000_000L;
      while (System.nanoTime() < drainUntil && !settled()) sleep(50);
    } finally {
      progress.stop();
    }
  }

  /** Once a second: closes the second's latencies (into the totals) and keeps its p99. */
  private void tick() {
    double p99 = delivered.drainP99Ms();
    sent.drain();
    lastSecondP99 = p99;
    if (Double.isNaN(p99)) return;
    synchronized (secondP99s) {
      secondP99s.add(p99);
    }
  }

  /** The p99 of the last whole second, in ms; NaN if it saw no measured delivery. */
  double lastSecondP99() {
    return lastSecondP99;
  }

  /** Per second with measured deliveries, in order: its p99 send→delivered in ms. */
  List<Double> secondP99s() {
    synchronized (secondP99s) {
      return List.copyOf(secondP99s);
    }
  }

  private boolean settled() {
    return acked.sum() + errored.sum() >= dispatched.sum()
        && deliveries.sum() >= expectedDeliveries.sum();
  }

  private void send(long n, long due) {
    int i = (int) n;
    intended.set(i, due);
    Topology.Slot slot = t.slots.get(i % t.slots.size());
    dispatched.increment();
    if (slot.client().closed()) {
      fail(i, "socket_closed_before_send");
      return;
    }
    String cid = tag + "." + n;
    slot.client()
        .send(
            "{\"type\":\"send\",\"rid\":\""
                + cid
                + "\",\"conv\":\""
                + slot.conv()
                + "\",\"cid\":\""
                + cid
                + "\",\"body\":\""
                + body
                + "\"}");
  }

  @Override
  public void onFrame(LoadClient client, Frame f, long at) {
    switch (f.type() == null ? "?" : f.type()) {
      case "msg" -> onMsg(client, f, at);
      case "sent" -> onSent(f, at);
      case "error" -> {
        int n = number(f.rid());
        if (n >= 0) fail(n, f.code());
        else count(f.code(), at);
      }
      default -> {}
    }
  }

  @Override
  public void onClosed(LoadClient client, int status) {
    checker.closed(client);
    count("socket_closed", System.nanoTime());
  }

  private void onSent(Frame f, long at) {
    int n = number(f.cid());
    if (n < 0 || f.seq() <= 0) return;
    if (!ackSeq.compareAndSet(n, 0, f.seq())) return;
    acked.increment();
    Topology.Slot slot = t.slots.get(n % t.slots.size());
    expectedDeliveries.add(slot.recipients());
    long seen = deliveredSeq.get(n);
    if (seen != 0 && seen != f.seq()) storedTwice(n, f.seq(), seen);
    long due = intended.get(n);
    if (window.measures(at)) ackedInWindow.increment();
    if (!window.warmingUp(due)) sent.record(at - due);
  }

  private void onMsg(LoadClient client, Frame f, long at) {
    if (f.conv() == null || f.seq() <= 0) return;
    checker.delivered(client.index, client.user, f.conv(), f.seq());
    int n = number(f.cid());
    if (n < 0) return;
    if (!deliveredSeq.compareAndSet(n, 0, f.seq())) {
      long seen = deliveredSeq.get(n);
      if (seen != f.seq()) storedTwice(n, f.seq(), seen);
    }
    long acks = ackSeq.get(n);
    if (acks > 0 && acks != f.seq()) storedTwice(n, f.seq(), acks);
    if (t.slots.get(n % t.slots.size()).client() == client) return; // the sender's own socket
    deliveredCount.incrementAndGet(n);
    deliveries.increment();
    long due = intended.get(n);
    if (window.measures(at)) deliveredInWindow.increment();
    if (!window.warmingUp(due)) delivered.record(at - due);
  }

  private void storedTwice(int n, long seq, long other) {
    duplicated.increment();
    checker.example("cid " + tag + "." + n + " has seqs " + other + " and " + seq);
  }

  private void fail(int n, String code) {
    if (ackSeq.compareAndSet(n, 0, -1)) errored.increment();
    count(code, intended.get(n));
  }

  /** {@code due}: the send's intended time, or when the error came for one not tied to a send. */
  private void count(String code, long due) {
    Map<String, LongAdder> into = window.warmingUp(due) ? warmupErrors : errors;
    into.computeIfAbsent(code == null ? "unknown" : code, c -> new LongAdder()).increment();
  }

  /** The message number in a cid or rid of this step, or -1. */
  private int number(String id) {
    if (id == null
        || !id.startsWith(tag)
        || id.length() <= tag.length() + 1
        || id.charAt(tag.length()) != '.') {
      return -1;
    }
    try {
      int n = Integer.parseInt(id, tag.length() + 1, id.length(), 10);
      return n < total ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  double msgsPerSecond() {
    return ackedInWindow.sum() / (double) o.durationSec();
  }

  /** Sends acked within the measured seconds (msgs/s x seconds). */
  long measuredMessages() {
    return ackedInWindow.sum();
  }

  /** msg frames that reached a recipient socket within the measured seconds. */
  long measuredDeliveries() {
    return deliveredInWindow.sum();
  }

  double deliveriesPerSecond() {
    return deliveredInWindow.sum() / (double) o.durationSec();
  }

  Map<String, Long> errorCounts() {
    return counts(errors);
  }

  Map<String, Long> warmupErrorCounts() {
    return counts(warmupErrors);
  }

  /** Errors so far, warm-up and window alike (the live progress line). */
  long errorsSoFar() {
    return total(errors) + total(warmupErrors);
  }

  private static long total(Map<String, LongAdder> errors) {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  private static Map<String, Long> counts(Map<String, LongAdder> errors) {
    Map<String, Long> m = new TreeMap<>();
    errors.forEach((code, n) -> m.put(code, n.sum()));
    return m;
  }

  /**
   * Judges the step: per message from the arrays; the stored history when {@code history} is given.
   */
  Checker.Verdict verdict(HistoryCheck.Result history) {
    long sentCount = dispatched.sum();
    long unanswered = 0, undelivered = 0;
    for (int n = 0; n < sentCount; n++) {
      long a = ackSeq.get(n);
      if (a == 0) unanswered++;
      if (a <= 0) continue;
      Topology.Slot slot = t.slots.get(n % t.slots.size());
      if (anyClosed(slot.conv())) continue;
      if (deliveredCount.get(n) < slot.recipients()) {
        undelivered++;
        if (undelivered <= 3) {
          checker.example(
              "cid "
                  + tag
                  + "."
                  + n
                  + " (seq "
                  + a
                  + ") reached "
                  + deliveredCount.get(n)
                  + " of "
                  + slot.recipients()
                  + " sockets");
        }
      }
    }
    return new Checker.Verdict(
        sentCount,
        acked.sum(),
        errored.sum(),
        unanswered,
        history == null ? 0 : history.lost(),
        undelivered,
        duplicated.sum() + (history == null ? 0 : history.duplicated()),
        checker.duplicateDeliveries.sum(),
        checker.outOfOrder.sum(),
        checker.gaps.sum(),
        checker.closedCount(),
        history != null,
        checker.examples());
  }

  private boolean anyClosed(String conv) {
    for (LoadClient c : t.members.get(conv)) if (checker.isClosed(c)) return true;
    return false;
  }

  /** Acked messages of one conversation: seq and cid, for the history check. */
  void ackedIn(String conv, java.util.function.BiConsumer<Long, String> each) {
    long sentCount = dispatched.sum();
    for (int n = 0; n < sentCount; n++) {
      long a = ackSeq.get(n);
      if (a > 0 && t.slots.get(n % t.slots.size()).conv().equals(conv))
        each.accept(a, tag + "." + n);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
