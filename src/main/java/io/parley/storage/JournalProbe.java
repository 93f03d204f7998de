package io.parley.storage;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.typesafe.config.Config;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * Whether the journal holds an event of a persistence id, without starting its entity: one read of
 * the first row of its first partition (an entity's first event, seq 1, is stored in partition 0
 * and Parley never deletes events), through the read journal's Cassandra session.
 */
public final class JournalProbe {
  private final CassandraSession session;
  private final String profile;
  private final String cql;
  private volatile CompletionStage<PreparedStatement> firstRow;

  public JournalProbe(ActorSystem<?> system) {
    Config plugin = system.settings().config().getConfig("pekko.persistence.cassandra");
    this.session =
        PersistenceQuery.get(system)
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier())
            .session();
    this.profile = plugin.getString("query.read-profile");
    this.cql =
        "SELECT sequence_nr FROM "
            + plugin.getString("journal.keyspace")
            + "."
            + plugin.getString("journal.table")
            + " WHERE persistence_id = ? AND partition_nr = 0 LIMIT 1";
  }

  public CompletionStage<Boolean> hasEvents(String persistenceId) {
    return prepared()
        .thenCompose(
            statement ->
                session.selectOne(statement.bind(persistenceId).setExecutionProfileName(profile)))
        .thenApply(Optional::isPresent);
  }

  /** Prepared on first use, and again after a failure (Cassandra was not up yet). */
  private CompletionStage<PreparedStatement> prepared() {
    CompletionStage<PreparedStatement> current = firstRow;
    if (current == null || current.toCompletableFuture().isCompletedExceptionally()) {
      current = session.prepare(cql);
      firstRow = current;
    }
    return current;
  }
}
