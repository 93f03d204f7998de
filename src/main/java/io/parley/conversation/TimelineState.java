package io.parley.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.parley.CborSerializable;
import io.parley.conversation.ConversationEntity.EntryAppended;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.typed.SnapshotAdapter;

/**
 * A conversation entity's state: the timeline's position, its recent entries (dedup window), and
 * for groups the membership. Mutable on purpose (see {@link DedupWindow}); only the entity's thread
 * touches it, and snapshots take an immutable {@link Snapshot}.
 */
public final class TimelineState {
  static final String TEXT = "text";
  static final String RECALL = "recall";
  static final String EDIT = "edit";
  static final String SYSTEM = "system";

  private long lastSeq;
  private long firstTs;
  private Timeline.Appended last;
  private final DedupWindow dedup;
  private final Membership membership;
  private final EditIndex edits;
  // Per sender, the seq of their latest text, recall or edit: what they wrote they have read, so it
  // never counts as unread for them, without a read-marker write per send. Null in a room,
  // whose audience has no unread count and may be huge.
  private final Map<String, Long> lastOwn;

  TimelineState(
      long lastSeq,
      long firstTs,
      Timeline.Appended last,
      DedupWindow dedup,
      Membership membership,
      EditIndex edits,
      Map<String, Long> lastOwn) {
    this.lastSeq = lastSeq;
    this.edits = edits;
    this.firstTs = firstTs;
    this.last = last;
    this.dedup = dedup;
    this.membership = membership;
    this.lastOwn = lastOwn;
  }

  static TimelineState empty(int dedupWindow, boolean room) {
    return new TimelineState(
        0,
        0,
        null,
        new DedupWindow(dedupWindow),
        Membership.empty(),
        new EditIndex(),
        room ? null : new HashMap<>());
  }

  /** Appends one entry; the journal's old untyped entries reach here typed (the event adapter). */
  TimelineState append(Timeline.Appended e) {
    lastSeq++;
    if (lastSeq == 1) firstTs = e.ts();
    last = e;
    dedup.remember(new DedupWindow.Record(e.from(), e.cid(), lastSeq, e.ts(), e.kind(), false));
    if (e instanceof Timeline.Recalled r) dedup.markRecalled(r.seq());
    if (e instanceof Timeline.Edited ed) edits.edited(ed.seq(), lastSeq);
    if (e instanceof Timeline.GroupEvent g) membership.apply(g, lastSeq);
    else if (!SYSTEM.equals(e.kind()) && lastOwn != null) lastOwn.put(e.from(), lastSeq);
    return this;
  }

  public long lastSeq() {
    return lastSeq;
  }

  Timeline.Appended last() {
    return last;
  }

  /**
   * The log's incarnation: derived from when seq 1 was written, so a log that was reset and written
   * again gets another epoch, and clients can tell their cursors no longer apply.
   */
  String epoch() {
    return firstTs == 0 ? "" : Long.toString(firstTs, 36);
  }

  /** The seq of this user's latest own entry, 0 if none (or in a room). */
  long lastOwn(String user) {
    return lastOwn == null ? 0 : lastOwn.getOrDefault(user, 0L);
  }

  DedupWindow.Record sent(String from, String cid) {
    return dedup.find(from, cid);
  }

  DedupWindow dedup() {
    return dedup;
  }

  Membership membership() {
    return membership;
  }

  EditIndex edits() {
    return edits;
  }

  /** What a snapshot stores: an immutable copy, since the plugin serializes it later. */
  public record Snapshot(
      long lastSeq,
      long firstTs,
      EntryAppended last,
      List<DedupWindow.Record> dedup,
      Map<String, Membership.Member> members,
      String title,
      // Absent in snapshots taken before it existed: then the senders' user entities still
      // hold read markers for their own earlier sends (they were written per send).
      Map<String, Long> lastOwn,
      // Absent in snapshots taken before edits existed, and while there are none.
      @JsonInclude(JsonInclude.Include.NON_NULL) Replies.Edits edits)
      implements CborSerializable {}

  Snapshot snapshot() {
    Replies.Edits edited = edits.all();
    return new Snapshot(
        lastSeq,
        firstTs,
        last == null ? null : Timeline.flat(last),
        dedup.records(),
        membership.members(),
        membership.title(),
        lastOwn == null ? null : Map.copyOf(lastOwn),
        edited.none() ? null : edited);
  }

  static TimelineState of(Snapshot s, int dedupWindow, boolean room) {
    return new TimelineState(
        s.lastSeq(),
        s.firstTs(),
        s.last(),
        DedupWindow.of(dedupWindow, s.dedup()),
        new Membership(s.members() == null ? Map.of() : s.members(), s.title()),
        EditIndex.of(s.edits()),
        room ? null : s.lastOwn() == null ? new HashMap<>() : new HashMap<>(s.lastOwn()));
  }

  /** Stores a state as its {@link Snapshot}, an immutable copy (the dedup window is mutable). */
  static SnapshotAdapter<TimelineState> snapshots(int dedupWindow, boolean room) {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(TimelineState state) {
        return state.snapshot();
      }

      @Override
      public TimelineState fromJournal(Object from) {
        return of((Snapshot) from, dedupWindow, room);
      }
    };
  }
}
