package io.parley.bench.chaos;

import io.parley.bench.chaos.Records.Attempt;
import io.parley.bench.chaos.Records.DeviceLog;
import io.parley.bench.chaos.Records.Entry;
import io.parley.bench.chaos.Records.History;
import io.parley.bench.chaos.Records.Outcome;
import io.parley.bench.chaos.Records.Send;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The invariants of a run under faults (issue 26), checked after it from the clients' records and
 * the journal. Each broken invariant is a violation kind with a count and a few examples:
 *
 * <ul>
 *   <li>{@code lost}: a cid acked {@code sent} with seq s is not in the stored history at s; {@code
 *       undelivered}: a device of either member never got it (pushed, or paged by itself);
 *   <li>{@code duplicates}: a cid stored at two seqs, or acked with two seqs; {@code
 *       duplicateDeliveries}: a device got a seq it already held;
 *   <li>{@code historyGaps}: stored seqs are not exactly 1..n; {@code gaps}: a push skipped seqs
 *       the device did not hold; {@code reordered}: a push came after a higher one; {@code
 *       mismatched}: a device was given another cid at a seq than the history holds there;
 *   <li>{@code refusedButStored}: a cid was stored at a time no attempt of it that could have
 *       stored it was in flight, and some attempt was refused (the contract's "nothing was stored"
 *       broken); {@code strangers}: a stored cid nobody sent; {@code historyUnread};
 *   <li>one writer per persistence id ({@link WriterCheck}), when the journal is given.
 * </ul>
 */
public final class Invariants {
  /**
   * How far a stored entry's server timestamp may lie outside an attempt's [written, answered]
   * window and still be that attempt's: client and nodes share this box's clock, and the server's
   * timestamp has millisecond resolution.
   */
  static final Duration ATTRIBUTION_SLACK = Duration.ofMillis(100);

  static final List<String> KINDS =
      List.of(
          "lost",
          "undelivered",
          "duplicates",
          "duplicateDeliveries",
          "historyGaps",
          "gaps",
          "reordered",
          "mismatched",
          "refusedButStored",
          "strangers",
          "historyUnread");

  private Invariants() {}

  /** Checks a run; {@code journal} may be null (the writer checks are then left out). */
  public static Verdict check(Records r, JournalRows journal) {
    Set<String> kinds = new LinkedHashSet<>(KINDS);
    if (journal != null) kinds.addAll(WriterCheck.KINDS);
    Tally tally = new Tally(kinds);
    Map<String, Map<String, Send>> sendsByConv = new HashMap<>();
    r.sends()
        .forEach(s -> sendsByConv.computeIfAbsent(s.conv(), k -> new HashMap<>()).put(s.cid(), s));
    Map<String, List<DeviceLog>> devicesByConv = new HashMap<>();
    r.devices()
        .forEach(d -> devicesByConv.computeIfAbsent(d.conv(), k -> new ArrayList<>()).add(d));
    sendFigures(r, tally);
    for (History h : r.histories().values()) {
      Map<String, Send> sends = sendsByConv.getOrDefault(h.conv(), Map.of());
      List<DeviceLog> devices = devicesByConv.getOrDefault(h.conv(), List.of());
      Map<Long, Entry> stored = stored(h, sends, tally);
      acked(h.conv(), sends, stored, devices, tally);
      for (DeviceLog d : devices) Deliveries.check(d, stored, tally);
      for (Entry e : stored.values()) {
        Send s = sends.get(e.cid());
        if (s != null) refusedButStored(h.conv(), s, e, tally);
      }
    }
    if (journal != null) WriterCheck.check(journal, tally);
    return tally.verdict();
  }

  /** The history by seq, checking seqs are 1..n, each cid once and every cid one we sent. */
  private static Map<Long, Entry> stored(History h, Map<String, Send> sends, Tally tally) {
    if (!h.complete()) tally.violation("historyUnread", h.conv() + " could not be read to its end");
    Map<Long, Entry> bySeq = new HashMap<>();
    Map<String, Long> seqOfCid = new HashMap<>();
    TreeSet<Long> seqs = new TreeSet<>();
    for (Entry e : h.entries()) {
      if (!seqs.add(e.seq())) {
        tally.violation("historyGaps", h.conv() + " holds seq " + e.seq() + " twice");
        continue;
      }
      bySeq.put(e.seq(), e);
      Long other = seqOfCid.putIfAbsent(e.cid(), e.seq());
      if (other != null) {
        tally.violation(
            "duplicates",
            h.conv() + " stores cid " + e.cid() + " at seq " + other + " and " + e.seq());
      }
      if (!sends.containsKey(e.cid()))
        tally.violation("strangers", h.conv() + " seq " + e.seq() + " has cid " + e.cid());
    }
    long last = seqs.isEmpty() ? 0 : seqs.last();
    if (last > seqs.size()) {
      long missing = last - seqs.size();
      Long firstMissing = null;
      for (long s = 1; s <= last && firstMissing == null; s++)
        if (!seqs.contains(s)) firstMissing = s;
      tally.violation(
          "historyGaps",
          missing,
          h.conv() + " lacks " + missing + " of seqs 1.." + last + ", first " + firstMissing);
    }
    tally.figure("historyEntries", seqs.size());
    return bySeq;
  }

  private static void acked(
      String conv,
      Map<String, Send> sends,
      Map<Long, Entry> stored,
      List<DeviceLog> devices,
      Tally tally) {
    Map<DeviceLog, Set<Long>> held = new HashMap<>();
    for (DeviceLog d : devices) {
      Set<Long> seqs = new TreeSet<>();
      d.received().forEach(x -> seqs.add(x.seq()));
      held.put(d, seqs);
    }
    for (Send s : sends.values()) {
      Set<Long> ackedSeqs = new TreeSet<>();
      s.attempts().stream()
          .filter(a -> a.outcome() == Outcome.SENT)
          .forEach(a -> ackedSeqs.add(a.seq()));
      if (ackedSeqs.isEmpty()) continue;
      if (ackedSeqs.size() > 1)
        tally.violation("duplicates", conv + " acked cid " + s.cid() + " with seqs " + ackedSeqs);
      long seq = s.ackedSeq();
      Entry e = stored.get(seq);
      if (e == null || !e.cid().equals(s.cid())) {
        tally.violation(
            "lost",
            conv
                + " acked cid "
                + s.cid()
                + " at seq "
                + seq
                + " but history holds "
                + (e == null ? "nothing" : "cid " + e.cid())
                + " there");
      }
      for (DeviceLog d : devices) {
        if (!held.get(d).contains(seq))
          tally.violation(
              "undelivered", d.name() + " never got seq " + seq + " of " + conv + " (acked)");
      }
    }
  }

  /**
   * A stored cid must be explained by an attempt that may have stored it: one answered {@code sent}
   * whose window [written, answered] holds the entry's timestamp, or one whose outcome is unknown
   * written before it. If none explains it and some attempt was refused, a refused attempt stored
   * it (or a later retry was answered from a store that happened while none was in flight).
   */
  private static void refusedButStored(String conv, Send s, Entry e, Tally tally) {
    boolean anyRefused = false;
    for (Attempt a : s.attempts()) {
      if (a.outcome().refused()) {
        anyRefused = true;
        continue;
      }
      boolean after = !e.ts().isBefore(a.at().minus(ATTRIBUTION_SLACK));
      if (a.outcome().unknown() && after) return;
      if (a.outcome() == Outcome.SENT
          && after
          && !e.ts().isAfter(a.answeredAt().plus(ATTRIBUTION_SLACK))) return;
    }
    if (!anyRefused) return;
    tally.violation(
        "refusedButStored",
        conv
            + " stored cid "
            + s.cid()
            + " at seq "
            + e.seq()
            + " at "
            + e.ts()
            + "; its attempts: "
            + s.attempts().stream()
                .map(a -> a.outcome() + "@" + a.at() + (a.late() ? "(late)" : ""))
                .toList());
  }

  private static void sendFigures(Records r, Tally tally) {
    long acked = 0, attempts = 0, retries = 0, gaveUp = 0, late = 0;
    Map<Outcome, Long> outcomes = new HashMap<>();
    for (Send s : r.sends()) {
      attempts += s.attempts().size();
      retries += Math.max(0, s.attempts().size() - 1);
      if (s.ack().isPresent()) acked++;
      else gaveUp++;
      for (Attempt a : s.attempts()) {
        outcomes.merge(a.outcome(), 1L, Long::sum);
        if (a.late()) late++;
      }
    }
    tally.figure("sends", r.sends().size());
    tally.figure("acked", acked);
    tally.figure("notAcked", gaveUp);
    tally.figure("attempts", attempts);
    tally.figure("retries", retries);
    for (Outcome o : Outcome.values())
      tally.figure(
          "attempts" + o.name().charAt(0) + o.name().substring(1).toLowerCase(),
          outcomes.getOrDefault(o, 0L));
    tally.figure("lateAnswers", late);
  }
}
