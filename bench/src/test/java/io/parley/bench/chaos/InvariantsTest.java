package io.parley.bench.chaos;

import static io.parley.bench.chaos.MadeRun.acked;
import static io.parley.bench.chaos.MadeRun.attempt;
import static io.parley.bench.chaos.MadeRun.entry;
import static io.parley.bench.chaos.MadeRun.paged;
import static io.parley.bench.chaos.MadeRun.push;
import static io.parley.bench.chaos.MadeRun.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.bench.chaos.Records.Outcome;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each client-side invariant, on a hand-made run spoiled in exactly that way. */
class InvariantsTest {
  private final MadeRun run = new MadeRun();

  /** The verdict is unclean, and the only violations are {@code expected}. */
  private static void only(Verdict v, Map<String, Long> expected) {
    assertFalse(v.clean(), v.summary());
    for (String kind : Invariants.KINDS)
      assertEquals(expected.getOrDefault(kind, 0L), v.figure(kind), kind + ": " + v.summary());
    for (String kind : expected.keySet())
      if (expected.get(kind) > 0)
        assertTrue(
            v.violations().stream().anyMatch(x -> x.startsWith(kind + ": ")),
            "an example of " + kind + ": " + v.summary());
  }

  @Test
  void aRunWithEveryAckStoredAndDeliveredInOrderIsClean() {
    // Retries and refusals before an ack, an unacked send that was never stored, and a gap the
    // device paged itself after a push that came in order are all fine.
    run.sends.add(
        send(
            "c4",
            4000,
            attempt(4000, Outcome.UNAVAILABLE, 4100, -1),
            attempt(4300, Outcome.TIMEOUT, -1, -1),
            attempt(19300, Outcome.SENT, 19320, 4)));
    run.history.add(entry(4, "c4", 19310));
    run.toA.add(push(4, "c4"));
    run.toB.add(paged(4, "c4"));
    run.sends.add(send("c5", 5000, attempt(5000, Outcome.UNAVAILABLE, 5100, -1)));
    Verdict v = run.check();
    assertTrue(v.clean(), v.summary());
    assertEquals(5, v.figure("sends"));
    assertEquals(4, v.figure("acked"));
    assertEquals(2, v.figure("retries"));
    assertEquals(2, v.figure("attemptsUnavailable"));
    assertEquals(4, v.figure("historyEntries"));
  }

  @Test
  void anAckedMessageMissingFromHistoryIsLost() {
    run.history.remove(2);
    run.toA.remove(2);
    run.toB.remove(2);
    only(run.check(), Map.of("lost", 1L, "undelivered", 2L));
  }

  @Test
  void anAckedMessageAnotherCidTookTheSeqOfIsLost() {
    run.sends.set(2, acked("c3", 2, 3000));
    only(run.check(), Map.of("lost", 1L, "undelivered", 0L));
  }

  @Test
  void anAckedMessageOneDeviceNeverGotIsUndelivered() {
    run.toB.remove(2);
    only(run.check(), Map.of("undelivered", 1L));
  }

  @Test
  void aCidStoredTwiceIsADuplicate() {
    run.history.add(entry(4, "c1", 4000));
    run.toA.add(push(4, "c1"));
    run.toB.add(push(4, "c1"));
    only(run.check(), Map.of("duplicates", 1L));
  }

  @Test
  void aCidAckedWithTwoSeqsIsADuplicate() {
    run.sends.set(
        1,
        send(
            "c2",
            2000,
            attempt(2000, Outcome.SENT, 2020, 2),
            attempt(2500, Outcome.SENT, 2520, 3)));
    only(run.check(), Map.of("duplicates", 1L));
  }

  @Test
  void aSeqPushedTwiceToADeviceIsADuplicateDelivery() {
    run.toB.add(push(3, "c3"));
    only(run.check(), Map.of("duplicateDeliveries", 1L));
  }

  @Test
  void aPushAfterAHigherOneIsReordered() {
    run.toB.set(1, push(3, "c3"));
    run.toB.set(2, push(2, "c2"));
    only(run.check(), Map.of("reordered", 1L, "gaps", 1L));
  }

  @Test
  void aPushThatSkipsSeqsIsAGapEvenIfTheDevicePagedThemButTheRunStaysClean() {
    run.toB.set(1, push(3, "c3"));
    run.toB.set(2, paged(2, "c2"));
    Verdict v = run.check();
    assertTrue(v.clean(), v.summary());
    assertEquals(1L, v.figure("gaps"), v.summary());
    assertTrue(v.violations().stream().anyMatch(x -> x.startsWith("gaps: ")), v.summary());
  }

  @Test
  void storedSeqsWithAHoleAreAHistoryGap() {
    run.history.set(2, entry(4, "c3", 3010));
    run.sends.set(2, acked("c3", 4, 3000));
    run.toA.set(2, push(4, "c3"));
    run.toB.set(2, push(4, "c3"));
    only(run.check(), Map.of("historyGaps", 1L, "gaps", 2L));
  }

  @Test
  void aDeviceGivenAnotherCidThanTheHistoryHoldsIsMismatched() {
    run.toB.set(1, push(2, "c3"));
    only(run.check(), Map.of("mismatched", 1L));
  }

  @Test
  void aStoredCidNobodySentIsAStranger() {
    run.history.add(entry(4, "zz", 4000));
    only(run.check(), Map.of("strangers", 1L));
  }

  @Test
  void aHistoryThatCouldNotBeReadIsReported() {
    run.complete = false;
    only(run.check(), Map.of("historyUnread", 1L));
  }

  @Test
  void aSendAnsweredUnavailableAndStoredLaterIsRefusedButStored() {
    run.sends.add(send("c4", 4000, attempt(4000, Outcome.UNAVAILABLE, 4100, -1)));
    run.history.add(entry(4, "c4", 9000));
    run.toA.add(push(4, "c4"));
    run.toB.add(push(4, "c4"));
    only(run.check(), Map.of("refusedButStored", 1L));
  }

  @Test
  void aRefusedSendStoredBeforeTheRetryThatWasAckedIsRefusedButStored() {
    // The retry's ack came from the dedup window: the entry was stored at 9 s, while nothing of
    // c4 was in flight (refused at 4.1 s, retried at 12 s).
    run.sends.add(
        send(
            "c4",
            4000,
            attempt(4000, Outcome.UNAVAILABLE, 4100, -1),
            attempt(12000, Outcome.SENT, 12010, 4)));
    run.history.add(entry(4, "c4", 9000));
    run.toA.add(push(4, "c4"));
    run.toB.add(push(4, "c4"));
    only(run.check(), Map.of("refusedButStored", 1L));
  }

  @Test
  void aRefusedSendStoredAfterItsRetryWasAckedIsRefusedButStored() {
    // The ack at 5 s cannot have come from an entry made at 9 s: something else stored it.
    run.sends.add(
        send(
            "c4",
            4000,
            attempt(4000, Outcome.UNAVAILABLE, 4100, -1),
            attempt(5000, Outcome.SENT, 5020, 4)));
    run.history.add(entry(4, "c4", 9000));
    run.toA.add(push(4, "c4"));
    run.toB.add(push(4, "c4"));
    only(run.check(), Map.of("refusedButStored", 1L));
  }

  @Test
  void aRefusedSendStoredWhileARetryOfUnknownOutcomeWasOutIsNotAccused() {
    run.sends.add(
        send(
            "c4",
            4000,
            attempt(4000, Outcome.UNAVAILABLE, 4100, -1),
            attempt(4300, Outcome.INTERNAL, 4400, -1)));
    run.history.add(entry(4, "c4", 9000));
    run.toA.add(push(4, "c4"));
    run.toB.add(push(4, "c4"));
    Verdict v = run.check();
    assertTrue(v.clean(), v.summary());
  }
}
