package io.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The load tool's per-socket order check (docs/protocol.md section 3: per conversation and
 * connection, seqs rise, each once). A run's exit status rests on it, so each kind of fault it
 * names is fed to it here. BenchToolTest covers the other half, acked loss found in the stored
 * history, end to end.
 */
class CheckerTest {
  private static final String CONV = "d:alice:bob";
  private static final int ALICE = 0;
  private static final int BOB = 1;

  @Test
  void seqsRisingByOneFromTheSetupEntryAreClean() {
    Checker checker = new Checker(2, Map.of(CONV, 1L));
    deliver(checker, ALICE, 1, 2, 3, 4, 5);
    deliver(checker, BOB, 1, 2, 3, 4, 5);
    assertCounts(checker, 0, 0, 0);
    assertEquals(5, checker.last(ALICE, CONV));
    assertTrue(checker.examples().isEmpty(), checker.examples().toString());
  }

  @Test
  void aRepeatedSeqIsADuplicateDelivery() {
    Checker checker = new Checker(1, Map.of());
    deliver(checker, ALICE, 1, 2, 2);
    assertCounts(checker, 1, 0, 0);
    assertTrue(checker.examples().get(0).contains("twice"), checker.examples().toString());
  }

  @Test
  void aLowerSeqIsOutOfOrder() {
    Checker checker = new Checker(1, Map.of());
    deliver(checker, ALICE, 1, 2, 3, 2);
    assertCounts(checker, 0, 1, 0);
    assertEquals(3, checker.last(ALICE, CONV), "a late seq does not move the socket back");
  }

  @Test
  void skippedSeqsAreCountedAsAGap() {
    Checker checker = new Checker(1, Map.of(CONV, 1L));
    deliver(checker, ALICE, 2, 6); // 3, 4 and 5 never came
    assertCounts(checker, 0, 0, 3);
    assertTrue(checker.examples().get(0).contains("3..5"), checker.examples().toString());
  }

  @Test
  void eachSocketIsCheckedOnItsOwn() {
    Checker checker = new Checker(2, Map.of());
    deliver(checker, ALICE, 1, 2);
    // bob's socket starts at 1 for itself: alice's progress is no gap or repeat for it.
    deliver(checker, BOB, 1, 1);
    assertCounts(checker, 1, 0, 0);
    assertEquals(2, checker.last(ALICE, CONV));
    assertEquals(1, checker.last(BOB, CONV));
  }

  @Test
  void anyFaultFailsTheVerdict() {
    assertTrue(verdict(0, 0, 0, 0, 0, 0).ok());
    assertFalse(verdict(1, 0, 0, 0, 0, 0).ok(), "an acked message missing from the history");
    assertFalse(
        verdict(0, 1, 0, 0, 0, 0).ok(), "an acked message that never reached an open socket");
    assertFalse(verdict(0, 0, 1, 0, 0, 0).ok(), "a message stored twice");
    assertFalse(verdict(0, 0, 0, 1, 0, 0).ok(), "a duplicate delivery");
    assertFalse(verdict(0, 0, 0, 0, 1, 0).ok(), "out of order");
    assertFalse(verdict(0, 0, 0, 0, 0, 1).ok(), "a gap");
    assertEquals(false, verdict(1, 0, 0, 0, 0, 0).toMap().get("ok"));
  }

  /** These msg frames of CONV reach one socket, in this order. */
  private static void deliver(Checker checker, int socket, long... seqs) {
    for (long seq : seqs) checker.delivered(socket, socket == ALICE ? "alice" : "bob", CONV, seq);
  }

  private static Checker.Verdict verdict(
      long lost,
      long undelivered,
      long duplicated,
      long duplicateDeliveries,
      long outOfOrder,
      long gaps) {
    // Errors and unanswered sends are not faults: nothing was promised for them.
    return new Checker.Verdict(
        10,
        8,
        1,
        1,
        lost,
        undelivered,
        duplicated,
        duplicateDeliveries,
        outOfOrder,
        gaps,
        0,
        true,
        List.of());
  }

  private static void assertCounts(Checker checker, long duplicates, long outOfOrder, long gaps) {
    assertEquals(duplicates, checker.duplicateDeliveries.sum(), "duplicate deliveries");
    assertEquals(outOfOrder, checker.outOfOrder.sum(), "out of order");
    assertEquals(gaps, checker.gaps.sum(), "gaps");
  }
}
