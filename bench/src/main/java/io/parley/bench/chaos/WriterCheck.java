package io.parley.bench.chaos;

import io.parley.bench.chaos.JournalRows.JournalRow;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One writer per persistence id at any time, from the journal alone. Each incarnation of an entity
 * writes with its own writer UUID, so in sequence order the rows of one writer must form one run,
 * each run must start after the previous run's last write (else two incarnations were writing at
 * once), no sequence number may be written twice (two writers that both thought they were next),
 * and sequence numbers run 1, 2, 3, ... without a hole.
 */
final class WriterCheck {
  static final String JOURNAL_GAPS = "journalGaps";
  static final String JOURNAL_SAME_SEQ = "journalSameSeq";
  static final String WRITER_RETURNS = "writerReturns";
  static final String WRITER_OVERLAPS = "writerOverlaps";
  static final List<String> KINDS =
      List.of(JOURNAL_GAPS, JOURNAL_SAME_SEQ, WRITER_RETURNS, WRITER_OVERLAPS);

  private WriterCheck() {}

  static void check(JournalRows journal, Tally tally) {
    long handovers = 0;
    Set<String> writers = new HashSet<>();
    for (Map.Entry<String, List<JournalRow>> e : journal.rows().entrySet()) {
      String id = e.getKey();
      List<JournalRow> rows = e.getValue();
      Set<String> finished = new HashSet<>();
      JournalRow previous = null;
      for (JournalRow row : rows) {
        writers.add(row.writerUuid());
        long expected = previous == null ? 1 : previous.sequenceNr() + 1;
        if (previous != null && row.sequenceNr() == previous.sequenceNr()) {
          tally.violation(
              JOURNAL_SAME_SEQ,
              id
                  + " sequence_nr "
                  + row.sequenceNr()
                  + " written by "
                  + previous.writerUuid()
                  + " and "
                  + row.writerUuid());
        } else if (row.sequenceNr() != expected) {
          tally.violation(
              JOURNAL_GAPS,
              row.sequenceNr() - expected,
              id + " has no sequence_nr " + expected + ".." + (row.sequenceNr() - 1));
        }
        if (previous != null && !previous.writerUuid().equals(row.writerUuid())) {
          handovers++;
          finished.add(previous.writerUuid());
          if (finished.contains(row.writerUuid())) {
            tally.violation(
                WRITER_RETURNS,
                id
                    + " writer "
                    + row.writerUuid()
                    + " wrote again at sequence_nr "
                    + row.sequenceNr()
                    + " after "
                    + previous.writerUuid()
                    + " had written");
          }
          if (!row.timestamp().isAfter(previous.timestamp())) {
            tally.violation(
                WRITER_OVERLAPS,
                id
                    + " writer "
                    + row.writerUuid()
                    + " wrote sequence_nr "
                    + row.sequenceNr()
                    + " at "
                    + row.timestamp()
                    + ", before "
                    + previous.writerUuid()
                    + " wrote "
                    + previous.sequenceNr()
                    + " at "
                    + previous.timestamp());
          }
        }
        previous = row;
      }
    }
    tally.figure("journalRows", journal.size());
    tally.figure("journalWriters", writers.size());
    tally.figure("journalHandovers", handovers);
  }
}
