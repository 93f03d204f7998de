package io.parley.bench.chaos;

import io.parley.bench.chaos.Records.Attempt;
import io.parley.bench.chaos.Records.Delivery;
import io.parley.bench.chaos.Records.DeviceLog;
import io.parley.bench.chaos.Records.Entry;
import io.parley.bench.chaos.Records.History;
import io.parley.bench.chaos.Records.Outcome;
import io.parley.bench.chaos.Records.Send;
import io.parley.bench.chaos.Records.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-made run of one direct conversation that tests spoil one way at a time: by default three
 * sends of ta's, acked at seqs 1-3 and stored there, pushed in order to one device of each member.
 */
final class MadeRun {
  static final String CONV = "d:ta:tb";
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final List<Send> sends = new ArrayList<>();
  final List<Entry> history = new ArrayList<>();
  final List<Delivery> toA = new ArrayList<>();
  final List<Delivery> toB = new ArrayList<>();
  boolean complete = true;

  MadeRun() {
    for (int i = 1; i <= 3; i++) {
      String cid = "c" + i;
      long issued = i * 1000L;
      sends.add(acked(cid, i, issued));
      history.add(entry(i, cid, issued + 10));
      toA.add(push(i, cid));
      toB.add(push(i, cid));
    }
  }

  static Instant at(long ms) {
    return T0.plusMillis(ms);
  }

  /** A send issued at {@code ms} and acked 20 ms later with {@code seq}. */
  static Send acked(String cid, long seq, long ms) {
    return send(cid, ms, attempt(ms, Outcome.SENT, ms + 20, seq));
  }

  static Send send(String cid, long issuedMs, Attempt... attempts) {
    return new Send(CONV, cid, "ta", "d0", at(issuedMs), List.of(attempts));
  }

  /** An attempt at {@code ms}; answeredMs < 0 for the outcomes that have no answer. */
  static Attempt attempt(long ms, Outcome outcome, long answeredMs, long seq) {
    return new Attempt(
        at(ms), "127.0.0.1:8080", outcome, answeredMs < 0 ? null : at(answeredMs), seq, false);
  }

  static Entry entry(long seq, String cid, long tsMs) {
    return new Entry(seq, cid, "ta", at(tsMs));
  }

  static Delivery push(long seq, String cid) {
    return new Delivery(seq, cid, 1, Source.PUSH);
  }

  static Delivery paged(long seq, String cid) {
    return new Delivery(seq, cid, 1, Source.PAGE);
  }

  Records records() {
    return new Records(
        sends,
        List.of(new DeviceLog("ta", "d0", CONV, toA), new DeviceLog("tb", "d0", CONV, toB)),
        List.of(new History(CONV, history, complete)));
  }

  Verdict check() {
    return Invariants.check(records(), null);
  }
}
