package io.parley.storage;

import io.parley.conversation.ConversationEntity;
import io.parley.conversation.Timeline;
import io.parley.timeline.Entry;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Reads timeline entries straight from the conversation's journal by seq range: the journal is the
 * only copy of each message.
 */
public final class TimelineReader {
  private final ActorSystem<?> system;
  private final CassandraReadJournal journal;

  public TimelineReader(ActorSystem<?> system) {
    this.system = system;
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
  }

  /** Entries with {@code from <= seq <= to}, ascending; empty when {@code to < from}. */
  public CompletionStage<List<Entry>> read(String conv, long from, long to) {
    if (to < from) return java.util.concurrent.CompletableFuture.completedFuture(List.of());
    String pid = ConversationEntity.persistenceId(conv).id();
    return journal
        .currentEventsByPersistenceId(pid, from, to)
        .map(
            env -> {
              // Typed or as stored before the events were typed: both are seen as on the wire.
              var e = (Timeline.Appended) env.event();
              return new Entry(
                  conv, env.sequenceNr(), e.from(), e.cid(), e.kind(), e.body(), e.ts());
            })
        .runWith(Sink.seq(), system);
  }
}
