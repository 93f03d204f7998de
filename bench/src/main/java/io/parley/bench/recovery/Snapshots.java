package io.parley.bench.recovery;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationId;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the benchmark reads and deletes in Cassandra directly: a conversation's latest snapshot, and
 * whether compactions still run (one beside a replay would measure the compaction).
 */
final class Snapshots {
  private static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(30);

  record Snapshot(long seq, int bytes) {}

  private final CqlSession cql;

  Snapshots(CqlSession cql) {
    this.cql = cql;
  }

  private static String pid(ConversationId conv) {
    return ConversationEntity.persistenceId(conv.value()).id();
  }

  /** The latest snapshot's seq, 0 if there is none. */
  long latestSeq(ConversationId conv) {
    return latest(conv).map(Snapshot::seq).orElse(0L);
  }

  /** The latest snapshot in the snapshot table (its clustering order is seq descending). */
  Optional<Snapshot> latest(ConversationId conv) {
    Row row =
        cql.execute(
                SimpleStatement.newInstance(
                    "SELECT sequence_nr, snapshot_data, snapshot FROM pekko_snapshot.snapshots"
                        + " WHERE persistence_id = ? LIMIT 1",
                    pid(conv)))
            .one();
    if (row == null) return Optional.empty();
    ByteBuffer data = row.getByteBuffer("snapshot_data");
    if (data == null) data = row.getByteBuffer("snapshot");
    int bytes = data == null ? 0 : data.remaining();
    return Optional.of(new Snapshot(row.getLong("sequence_nr"), bytes));
  }

  void deleteAll(ConversationId conv) {
    cql.execute(
        SimpleStatement.newInstance(
            "DELETE FROM pekko_snapshot.snapshots WHERE persistence_id = ?", pid(conv)));
  }

  /** Waits for the snapshot at {@code seq}: the entity stores it after replying. */
  Snapshot await(ConversationId conv, long seq) {
    Instant deadline = Instant.now().plus(SNAPSHOT_TIMEOUT);
    while (true) {
      Optional<Snapshot> latest = latest(conv);
      if (latest.isPresent() && latest.get().seq() == seq) {
        RecoveryBenchmark.say(
            "  snapshot of %s at seq %d: %d bytes", conv.value(), seq, latest.get().bytes());
        return latest.get();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "no snapshot at " + seq + " for " + pid(conv) + ": " + latest);
      }
      RecoveryBenchmark.pause(RecoveryBenchmark.POLL);
    }
  }

  /**
   * Waits (up to {@code wait}) until Cassandra runs no compaction: seeding leaves some behind, and
   * one running beside a replay would measure the compaction, not the recovery.
   */
  void awaitNoCompaction(Duration wait) {
    Instant start = Instant.now();
    Instant deadline = start.plus(wait);
    while (cql.execute("SELECT kind FROM system_views.sstable_tasks").one() != null) {
      if (Instant.now().isAfter(deadline)) {
        RecoveryBenchmark.say("  Cassandra still compacting after %s; measuring anyway", wait);
        return;
      }
      RecoveryBenchmark.pause(RecoveryBenchmark.POLL);
    }
    long waited = Duration.between(start, Instant.now()).toMillis();
    if (waited > 0) RecoveryBenchmark.say("  waited %d ms for Cassandra's compactions", waited);
  }
}
