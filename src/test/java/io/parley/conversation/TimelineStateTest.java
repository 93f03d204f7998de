package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.conversation.ConversationEntity.EntryAppended;
import org.junit.jupiter.api.Test;

/** Each member's latest own seq: what makes own entries read without a write per send. */
class TimelineStateTest {
  private static Timeline.Appended text(String from, String cid) {
    return Timeline.typed(
        new EntryAppended(from, cid, TimelineState.TEXT, TextNode.valueOf("hi"), 1_000L));
  }

  @Test
  void tracksEachSendersLatestOwnEntryAndKeepsItInSnapshots() {
    TimelineState state = TimelineState.empty(10, false);
    state.append(text("alice", "a1")); // seq 1
    state.append(text("bob", "b1")); // seq 2
    state.append(text("alice", "a2")); // seq 3
    var recall = JsonNodeFactory.instance.objectNode().put("seq", 1);
    state.append(
        Timeline.typed(
            new EntryAppended("bob", "b2", TimelineState.RECALL, recall, 1_000L))); // seq 4
    var joined = JsonNodeFactory.instance.objectNode().put("event", "joined").put("user", "carol");
    state.append(
        Timeline.typed(
            new EntryAppended("alice", "s1", TimelineState.SYSTEM, joined, 1_000L))); // seq 5
    assertEquals(3, state.lastOwn("alice"), "a system entry is nobody's own message");
    assertEquals(4, state.lastOwn("bob"), "a recall is the sender's own entry");
    assertEquals(0, state.lastOwn("carol"));

    TimelineState restored = TimelineState.of(state.snapshot(), 10, false);
    assertEquals(3, restored.lastOwn("alice"));
    assertEquals(4, restored.lastOwn("bob"));
    restored.append(text("carol", "c1"));
    assertEquals(6, restored.lastOwn("carol"), "the restored map keeps growing");
  }

  @Test
  void snapshotsFromBeforeTheFieldAndRoomsTrackNothing() {
    TimelineState old = TimelineState.empty(10, false);
    old.append(text("alice", "a1"));
    TimelineState.Snapshot s = old.snapshot();
    var withoutField =
        new TimelineState.Snapshot(
            s.lastSeq(), s.firstTs(), s.last(), s.dedup(), s.members(), s.title(), null, null);
    TimelineState restored = TimelineState.of(withoutField, 10, false);
    assertEquals(0, restored.lastOwn("alice"), "earlier sends were stored as read markers then");
    restored.append(text("alice", "a2"));
    assertEquals(2, restored.lastOwn("alice"));

    TimelineState room = TimelineState.empty(10, true);
    room.append(text("alice", "a1"));
    assertEquals(0, room.lastOwn("alice"));
  }
}
