package io.parley.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.bench.chaos.JournalRows.JournalRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** One writer per persistence id, on hand-made journal rows spoiled one way at a time. */
class WriterCheckTest {
  private static final String ID = "Conversation|d:ta:tb";
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  // A clean hand-over: writer w1 wrote 1-3, was stopped, and w2 took over for 4-5.
  private final List<JournalRow> rows =
      new ArrayList<>(
          List.of(
              row(1, 1000, "w1"),
              row(2, 2000, "w1"),
              row(3, 3000, "w1"),
              row(4, 10000, "w2"),
              row(5, 11000, "w2")));

  private static JournalRow row(long seq, long ms, String writer) {
    return new JournalRow(ID, 0, seq, T0.plusMillis(ms), writer);
  }

  private Verdict check() {
    // The clean hand-made client run, so only the journal can spoil the verdict.
    return Invariants.check(new MadeRun().records(), new JournalRows(List.of(ID), rows));
  }

  private static void only(Verdict v, Map<String, Long> expected) {
    assertFalse(v.clean(), v.summary());
    for (String kind : WriterCheck.KINDS)
      assertEquals(expected.getOrDefault(kind, 0L), v.figure(kind), kind + ": " + v.summary());
  }

  @Test
  void oneWriterAfterAnotherWithDenseSequenceNumbersIsClean() {
    Verdict v = check();
    assertTrue(v.clean(), v.summary());
    assertEquals(5, v.figure("journalRows"));
    assertEquals(2, v.figure("journalWriters"));
    assertEquals(1, v.figure("journalHandovers"));
  }

  @Test
  void aMissingSequenceNumberIsAJournalGap() {
    rows.remove(1);
    only(check(), Map.of(WriterCheck.JOURNAL_GAPS, 1L));
  }

  @Test
  void aJournalThatDoesNotStartAtOneIsAGap() {
    rows.remove(0);
    only(check(), Map.of(WriterCheck.JOURNAL_GAPS, 1L));
  }

  @Test
  void aSequenceNumberWrittenByTwoWritersIsReported() {
    rows.add(row(4, 4000, "w1"));
    only(check(), Map.of(WriterCheck.JOURNAL_SAME_SEQ, 1L));
  }

  @Test
  void aWriterThatWritesAgainAfterAnotherTookOverIsReported() {
    rows.set(2, row(3, 3000, "w2"));
    rows.set(3, row(4, 10000, "w1"));
    rows.set(4, row(5, 11000, "w1"));
    only(check(), Map.of(WriterCheck.WRITER_RETURNS, 1L));
  }

  @Test
  void aNewWriterThatWroteBeforeTheOldOnesLastWriteOverlapsIt() {
    rows.set(2, row(3, 12000, "w1"));
    only(check(), Map.of(WriterCheck.WRITER_OVERLAPS, 1L));
  }

  @Test
  void aTimeUuidBecomesItsInstant() {
    // A version 1 UUID for 2026-01-01T00:00:00.1234567Z: 100 ns units since 1582-10-15.
    long ticks = (T0.getEpochSecond() * 10_000_000L + 1_234_567L) + 0x01b21dd213814000L;
    long msb = (ticks << 32) | ((ticks >>> 16) & 0xFFFF0000L) | 0x1000L | ((ticks >>> 48) & 0x0FFF);
    UUID uuid = new UUID(msb, 0x8000000000000000L);
    assertEquals(T0.plusNanos(123_456_700), JournalRows.instant(uuid));
  }
}
