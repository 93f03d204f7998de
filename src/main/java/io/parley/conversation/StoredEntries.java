package io.parley.conversation;

import io.parley.atrest.AtRest;
import io.parley.conversation.ConversationEntity.EntryAppended;
import io.parley.conversation.ConversationEntity.Event;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.typed.EventAdapter;
import org.apache.pekko.persistence.typed.EventSeq;
import org.apache.pekko.persistence.typed.SnapshotAdapter;

/**
 * A conversation's events and snapshots as they are stored: encrypted by {@link AtRest}, bound to
 * the conversation's persistence id. On the way back they are decrypted, and what builds before
 * encryption stored (plain events and snapshots) is read as it is; the entity also reads entries
 * stored before the events were typed as their typed events ({@link Timeline#typed}). The entity's
 * state and everything members see are the same either way.
 */
public final class StoredEntries {
  private final AtRest atRest;
  private final String persistenceId;

  private StoredEntries(AtRest atRest, String persistenceId) {
    this.atRest = atRest;
    this.persistenceId = persistenceId;
  }

  /** For conversation {@code conv}; fails if the node's at-rest keys are missing. */
  public static StoredEntries of(ActorSystem<?> system, String conv) {
    return new StoredEntries(AtRest.get(system), ConversationEntity.persistenceId(conv).id());
  }

  /**
   * An event as the journal gave it back, decrypted: a typed event, or an entry as stored before
   * the events were typed (which members see the same). Throws, naming the key, if it does not
   * decrypt.
   */
  public Timeline.Appended open(Object stored) {
    return (Timeline.Appended) atRest.open(stored, AtRest.Use.EVENT, persistenceId);
  }

  /** The entity's event adapter (and that of whatever writes its journal the same way). */
  public EventAdapter<Event, Object> events() {
    return new EventAdapter<>() {
      @Override
      public Object toJournal(Event e) {
        return atRest.seal(e, AtRest.Use.EVENT, persistenceId);
      }

      @Override
      public String manifest(Event event) {
        return "";
      }

      @Override
      public EventSeq<Event> fromJournal(Object stored, String manifest) {
        Timeline.Appended e = open(stored);
        return EventSeq.single(e instanceof EntryAppended old ? Timeline.typed(old) : e);
      }
    };
  }

  /** {@code plain} (state to snapshot and back), with the snapshot encrypted in between. */
  SnapshotAdapter<TimelineState> snapshots(SnapshotAdapter<TimelineState> plain) {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(TimelineState state) {
        return atRest.seal(plain.toJournal(state), AtRest.Use.SNAPSHOT, persistenceId);
      }

      @Override
      public TimelineState fromJournal(Object stored) {
        return plain.fromJournal(atRest.open(stored, AtRest.Use.SNAPSHOT, persistenceId));
      }
    };
  }
}
