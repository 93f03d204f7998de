package io.parley.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.testing.DeliveryChecker.Entry;
import io.parley.testing.DeliveryChecker.Key;
import io.parley.testing.DeliveryChecker.Mismatch;
import io.parley.testing.DeliveryChecker.OutOfOrder;
import io.parley.testing.DeliveryChecker.Report;
import io.parley.testing.DeliveryChecker.SeqConflict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryCheckerTest {
  private static final String CONV = "d:alice:bob";
  private final DeliveryChecker checker = new DeliveryChecker(CONV);

  /** alice sends c1..cn, each acked and stored at seq i. */
  private void sendAndStore(int n) {
    for (int i = 1; i <= n; i++) {
      checker.attempted("alice", "c" + i);
      checker.acked("alice", "c" + i, i);
      checker.stored(i, "alice", "c" + i);
    }
  }

  private void receive(String connection, long... seqs) {
    for (long seq : seqs) checker.received(connection, seq, "alice", "c" + seq);
  }

  private static void assertFails(Report report, String mentions) {
    assertFalse(report.ok(), report::toString);
    assertTrue(report.toString().contains(mentions), report::toString);
  }

  @Test
  void cleanRunIsOk() {
    sendAndStore(3);
    checker.acked("alice", "c2", 2); // a retry gets the same seq again
    checker.attempted("bob", "lost-in-flight"); // indeterminate, never stored: fine
    checker.attempted("bob", "b1"); // indeterminate, stored without an ack: fine
    checker.stored(4, "bob", "b1");
    checker.stored(2, "alice", "c2"); // overlapping history pages repeat entries
    receive("bob-phone", 1, 2, 3);
    checker.received("bob-phone", 4, "bob", "b1");
    receive("alice-laptop", 2, 3);
    checker.expectComplete("bob-phone");

    Report report = checker.check();

    assertTrue(report.ok(), report::toString);
    assertEquals(new DeliveryChecker.Counts(5, 3, 4, 4), report.counts());
    assertTrue(report.toString().endsWith(": ok"), report::toString);
  }

  @Test
  void emptyRunIsOk() {
    assertTrue(checker.check().ok());
  }

  @Test
  void ackedSendMissingFromHistoryIsLost() {
    sendAndStore(2);
    checker.attempted("alice", "c3");
    checker.acked("alice", "c3", 3);

    Report report = checker.check();

    assertEquals(List.of(new Key("alice", "c3")), report.lost());
    assertFails(report, "lost (acked, not stored): 1 [alice/c3]");
  }

  @Test
  void cidStoredAtTwoSeqsIsDuplicated() {
    sendAndStore(2);
    checker.stored(3, "alice", "c2");

    Report report = checker.check();

    assertEquals(Map.of(new Key("alice", "c2"), List.of(2L, 3L)), report.duplicated());
    assertTrue(report.seqConflicts().isEmpty(), "the acked seq is one of the stored ones");
    assertFails(report, "alice/c2 at [2, 3]");
  }

  @Test
  void storedEntryNobodySentIsUnexpected() {
    sendAndStore(2);
    checker.stored(3, "mallory", "forged");

    Report report = checker.check();

    assertEquals(List.of(new Entry(3, new Key("mallory", "forged"))), report.unexpected());
    assertFails(report, "3=mallory/forged");
  }

  @Test
  void serverMadeEntriesWithoutCidAreNeitherUnexpectedNorGaps() {
    checker.stored(1, "alice", null); // e.g. a membership change
    checker.acked("alice", "c2", 2);
    checker.stored(2, "alice", "c2");
    checker.received("bob-phone", 1, "alice", null);
    checker.received("bob-phone", 2, "alice", "c2");

    assertTrue(checker.check().ok(), () -> checker.check().toString());
  }

  @Test
  void missingSeqInStoredHistoryIsAGap() {
    for (long seq : new long[] {1, 2, 5}) {
      checker.attempted("alice", "c" + seq);
      checker.stored(seq, "alice", "c" + seq);
    }

    Report report = checker.check();

    assertEquals(List.of(3L, 4L), report.gaps());
    assertFails(report, "gaps in stored seqs: 2 [3, 4]");
  }

  @Test
  void lowerSeqAfterHigherOnOneConnectionIsOutOfOrder() {
    sendAndStore(4);
    receive("bob-phone", 1, 3, 2, 4);
    receive("bob-laptop", 1, 2, 3, 4);

    Report report = checker.check();

    var phone = report.perConnection().get("bob-phone");
    assertEquals(List.of(new OutOfOrder(2, 3)), phone.outOfOrder());
    assertTrue(phone.duplicateDeliveries().isEmpty());
    assertTrue(report.perConnection().get("bob-laptop").ok());
    assertFails(report, "connection bob-phone (4 received) out of order: 1 [2 after 3]");
  }

  @Test
  void sameSeqTwiceOnOneConnectionIsADuplicateDelivery() {
    sendAndStore(3);
    receive("bob-phone", 1, 2, 2, 3, 1);

    Report report = checker.check();

    var phone = report.perConnection().get("bob-phone");
    assertEquals(List.of(2L, 1L), phone.duplicateDeliveries());
    assertTrue(phone.outOfOrder().isEmpty(), "a repeat is reported once, as a duplicate");
    assertFails(report, "duplicate deliveries: 2 [2, 1]");
  }

  @Test
  void sameSeqOnTwoConnectionsOfOneDeviceIsNoDuplicate() {
    sendAndStore(3);
    receive("bob-phone#1", 1, 2);
    receive("bob-phone#2", 2, 3); // reconnected; unacked entry 2 is re-sent

    assertTrue(checker.check().ok());
  }

  @Test
  void connectionThatMustBeCompleteReportsWhatItNeverReceived() {
    sendAndStore(4);
    receive("bob-phone", 1, 3);
    receive("bob-laptop", 1);
    checker.expectComplete("bob-phone");

    Report report = checker.check();

    assertEquals(Map.of("bob-phone", List.of(2L, 4L)), report.missing());
    assertTrue(report.perConnection().get("bob-laptop").ok(), "not asked to be complete");
    assertFails(report, "never received by bob-phone: 2 [2, 4]");
  }

  @Test
  void completenessMaySpanADevicesReconnections() {
    sendAndStore(4);
    receive("bob-phone#1", 1, 2);
    receive("bob-phone#2", 3, 4);
    checker.expectComplete("bob-phone#1", "bob-phone#2");
    checker.expectComplete("bob-laptop"); // never connected: misses everything

    Report report = checker.check();

    assertEquals(List.of(), report.missing().get("bob-phone#1+bob-phone#2"));
    assertEquals(List.of(1L, 2L, 3L, 4L), report.missing().get("bob-laptop"));
    assertFails(report, "never received by bob-laptop: 4");
  }

  @Test
  void deliveryThatDisagreesWithHistoryIsMismatched() {
    sendAndStore(2);
    checker.received("bob-phone", 1, "alice", "c1");
    checker.received("bob-phone", 2, "alice", "other");
    checker.received("bob-phone", 7, "alice", "c7");

    Report report = checker.check();

    assertEquals(
        List.of(
            new Mismatch(2, new Key("alice", "other"), List.of(new Key("alice", "c2"))),
            new Mismatch(7, new Key("alice", "c7"), List.of())),
        report.perConnection().get("bob-phone").mismatched());
    assertFails(report, "7 got alice/c7 stored nothing");
  }

  @Test
  void ackSeqDifferentFromStoredSeqIsASeqConflict() {
    sendAndStore(2);
    checker.acked("alice", "c1", 2);
    checker.attempted("alice", "c3");
    checker.acked("alice", "c3", 4);
    checker.stored(3, "alice", "c3");

    Report report = checker.check();

    assertEquals(
        List.of(
            new SeqConflict(new Key("alice", "c1"), List.of(1L, 2L), List.of(1L)),
            new SeqConflict(new Key("alice", "c3"), List.of(4L), List.of(3L))),
        report.seqConflicts());
    assertFails(report, "alice/c3 acked [4] stored [3]");
  }

  @Test
  void twoEntriesAtOneSeqAreAReusedSeq() {
    sendAndStore(2);
    checker.attempted("bob", "b1");
    checker.stored(2, "bob", "b1");

    Report report = checker.check();

    assertEquals(
        Map.of(2L, List.of(new Key("alice", "c2"), new Key("bob", "b1"))), report.reusedSeqs());
    assertFails(report, "2 holds [alice/c2, bob/b1]");
  }

  @Test
  void summaryShowsTenExamplesAndCountsTheRest() {
    for (int i = 1; i <= 15; i++) checker.acked("alice", "c" + i, i);

    String summary = checker.check().toString();

    assertTrue(summary.contains("lost (acked, not stored): 15 ["), summary);
    assertTrue(summary.contains("(+5 more)"), summary);
  }
}
