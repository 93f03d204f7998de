package io.parley.storage;

import io.parley.atrest.AtRestException;
import io.parley.conversation.ConversationEntity;
import io.parley.conversation.StoredEntries;
import io.parley.conversation.Timeline;
import io.parley.timeline.Entry;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads timeline entries straight from the conversation's journal by seq range: the journal is the
 * only copy of each message.
 */
public final class TimelineReader {
  private static final Logger log = LoggerFactory.getLogger(TimelineReader.class);
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
    // Read straight from the journal, so decrypted here as the entity does (fails loudly if the
    // event's key is missing); typed or as stored before the events were typed, both are seen as
    // on the wire.
    StoredEntries stored = StoredEntries.of(system, conv);
    return journal
        .currentEventsByPersistenceId(pid, from, to)
        .map(
            env -> {
              Timeline.Appended e = open(stored, env);
              return new Entry(
                  conv, env.sequenceNr(), e.from(), e.cid(), e.kind(), e.body(), e.ts());
            })
        .runWith(Sink.seq(), system);
  }

  /**
   * Decrypted, or the read fails. Logged here: the edge answers a failed read {@code unavailable}
   * and says no more, and an event that does not decrypt needs an operator (its key is missing).
   */
  private static Timeline.Appended open(StoredEntries stored, EventEnvelope env) {
    try {
      return stored.open(env.event());
    } catch (AtRestException e) {
      log.error("history read failed at seq {}: {}", env.sequenceNr(), e.getMessage());
      throw e;
    }
  }
}
