package io.parley.storage;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.typesafe.config.Config;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * Readiness check (Pekko Management): the journal can serve this node. One single-partition read of
 * the journal table at the journal's write consistency (QUORUM), and one of the snapshot table at
 * the snapshots' own, through the plugin's session. It fails while the schema Job has not created
 * the tables (the statements do not prepare: "unconfigured table") and while too few replicas
 * answer for a journal write to succeed, so a node is not ready, and gets no traffic and does not
 * let a rolling update go on, until it could store a message.
 *
 * <p>The partition read is that of a persistence id no entity has: it costs a replica lookup, never
 * a scan, whatever the journal holds.
 */
public final class CassandraReady implements Supplier<CompletionStage<Boolean>> {
  /** No entity has this persistence id (entity ids are "Type|id"). */
  static final String PROBE_ID = "parley-readiness-probe";

  private final CassandraSession session;
  private final Probe journal;
  private final Probe snapshots;

  public CassandraReady(ActorSystem system) {
    Config plugin = system.settings().config().getConfig("pekko.persistence.cassandra");
    this.session = CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra");
    this.journal =
        new Probe(
            "SELECT sequence_nr FROM "
                + table(plugin, "journal")
                + " WHERE persistence_id = ? AND partition_nr = 0 LIMIT 1",
            plugin.getString("write-profile"));
    this.snapshots =
        new Probe(
            "SELECT sequence_nr FROM "
                + table(plugin, "snapshot")
                + " WHERE persistence_id = ? LIMIT 1",
            plugin.getString("snapshot.write-profile"));
  }

  private static String table(Config plugin, String section) {
    return plugin.getString(section + ".keyspace") + "." + plugin.getString(section + ".table");
  }

  /** Completes true or false, never exceptionally; Pekko Management bounds how long it waits. */
  @Override
  public CompletionStage<Boolean> get() {
    return journal
        .answers()
        .thenCompose(ok -> ok ? snapshots.answers() : CompletableFuture.completedStage(false))
        .exceptionally(error -> false);
  }

  /** One statement, prepared on first use and again after a failure (no table yet). */
  private final class Probe {
    private final String cql;
    private final String profile;
    private volatile CompletionStage<PreparedStatement> prepared;

    Probe(String cql, String profile) {
      this.cql = cql;
      this.profile = profile;
    }

    CompletionStage<Boolean> answers() {
      CompletionStage<PreparedStatement> current = prepared;
      if (current == null || current.toCompletableFuture().isCompletedExceptionally()) {
        current = session.prepare(cql);
        prepared = current;
      }
      return current
          .thenCompose(
              statement ->
                  session.selectOne(statement.bind(PROBE_ID).setExecutionProfileName(profile)))
          .thenApply(row -> true);
    }
  }
}
