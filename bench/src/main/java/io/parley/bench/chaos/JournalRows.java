package io.parley.bench.chaos;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.storage.CassandraSessions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The journal's rows of some persistence ids ({@code pekko.messages}), without their payloads
 * (encrypted at rest, and not needed): which writer ({@code writer_uuid}, one per incarnation of an
 * entity) wrote which sequence number, and when ({@code timestamp}, a time UUID made at the write).
 * {@link Invariants} checks from them that no two incarnations wrote one entity at once.
 */
public final class JournalRows {
  /** One journal row; {@code timestamp} has the time UUID's 100 ns resolution. */
  public record JournalRow(
      String persistenceId,
      long partitionNr,
      long sequenceNr,
      Instant timestamp,
      String writerUuid) {}

  // How long the checker waits for Cassandra to take its login (it may just have restarted).
  private static final Duration LOGIN_WAIT = Duration.ofSeconds(60);
  // The time UUID epoch (1582-10-15) in 100 ns units before the Unix epoch.
  private static final long UUID_EPOCH_OFFSET = 0x01b21dd213814000L;
  // Partitions are read in order until this many in a row are empty: the plugin starts a new
  // partition every target-partition-size rows, and an empty one means the end.
  private static final int EMPTY_PARTITIONS_AT_END = 2;

  private final Map<String, List<JournalRow>> rows = new TreeMap<>();

  /** Rows by persistence id, each list sorted by sequence number then timestamp. */
  public JournalRows(Collection<String> persistenceIds, Collection<JournalRow> all) {
    persistenceIds.forEach(id -> rows.put(id, new ArrayList<>()));
    for (JournalRow r : all) rows.computeIfAbsent(r.persistenceId(), k -> new ArrayList<>()).add(r);
    rows.values()
        .forEach(
            list ->
                list.sort(
                    Comparator.comparingLong(JournalRow::sequenceNr)
                        .thenComparing(JournalRow::timestamp)));
  }

  /** Every row of each persistence id, in sequence order. */
  public Map<String, List<JournalRow>> rows() {
    return rows;
  }

  public long size() {
    return rows.values().stream().mapToLong(List::size).sum();
  }

  public static JournalRows read(CassandraLogin login, Collection<String> persistenceIds) {
    List<JournalRow> all = new ArrayList<>();
    try (CqlSession cql = CassandraSessions.open(login.settings(), LOGIN_WAIT)) {
      PreparedStatement select =
          cql.prepare(
              "SELECT sequence_nr, timestamp, writer_uuid FROM pekko.messages"
                  + " WHERE persistence_id = ? AND partition_nr = ?");
      for (String id : persistenceIds) {
        int empty = 0;
        for (long partition = 0; empty < EMPTY_PARTITIONS_AT_END; partition++) {
          int before = all.size();
          for (Row row : cql.execute(select.bind(id, partition))) {
            all.add(
                new JournalRow(
                    id,
                    partition,
                    row.getLong("sequence_nr"),
                    instant(row.getUuid("timestamp")),
                    row.getString("writer_uuid")));
          }
          empty = all.size() == before ? empty + 1 : 0;
        }
      }
    }
    return new JournalRows(persistenceIds, all);
  }

  static Instant instant(UUID timeUuid) {
    return Instant.EPOCH.plusNanos((timeUuid.timestamp() - UUID_EPOCH_OFFSET) * 100);
  }
}
