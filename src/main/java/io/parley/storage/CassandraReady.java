package io.parley.storage;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * Readiness check (Pekko Management): the journal's Cassandra session answers a trivial query. A
 * node that cannot reach Cassandra cannot store a message, so it must not receive traffic.
 */
public final class CassandraReady implements Supplier<CompletionStage<Boolean>> {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private final CassandraSession session;

  public CassandraReady(ActorSystem system) {
    this.session = CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra");
  }

  @Override
  public CompletionStage<Boolean> get() {
    return session
        .selectOne("SELECT release_version FROM system.local")
        .thenApply(row -> row.isPresent())
        .toCompletableFuture()
        .completeOnTimeout(false, TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .exceptionally(error -> false);
  }
}
