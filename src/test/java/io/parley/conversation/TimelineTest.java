package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.conversation.ConversationEntity.EntryAppended;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Entries stored before the events were typed read as their typed events, and every typed event
 * shows members exactly what the untyped entry showed: same kind, sender, cid, time and body.
 */
class TimelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EntryAppended stored(String from, String kind, String body) throws Exception {
    return new EntryAppended(from, "c-" + from, kind, JSON.readTree(body), 42L);
  }

  private static void readsAs(Class<?> type, EntryAppended stored) throws Exception {
    Timeline.Appended typed = Timeline.typed(stored);
    assertInstanceOf(type, typed);
    // On the wire, as JSON text (a number read back from a journal may be another node type).
    assertEquals(wire(stored), wire(typed), type.getSimpleName() + " as members see it");
    assertEquals(wire(stored), wire(Timeline.flat(typed)), "and as a snapshot keeps it");
  }

  private static List<String> wire(Timeline.Appended e) throws Exception {
    return List.of(
        e.from(), e.cid(), e.kind(), JSON.writeValueAsString(e.body()), Long.toString(e.ts()));
  }

  @Test
  void everyStoredKindReadsAsItsTypedEventAndLooksTheSame() throws Exception {
    readsAs(Timeline.Posted.class, stored("ann", "text", "\"hi\""));
    readsAs(Timeline.Recalled.class, stored("ann", "recall", "{\"seq\":3}"));
    readsAs(
        Timeline.GroupCreated.class,
        stored(
            "ann",
            "system",
            "{\"event\":\"created\",\"owner\":\"ann\",\"title\":\"t\",\"members\":[\"bo\",\"cy\"]}"));
    readsAs(
        Timeline.GroupCreated.class,
        stored(
            "ann",
            "system",
            "{\"event\":\"created\",\"owner\":\"ann\",\"title\":\"t\",\"members\":[]}"));
    readsAs(
        Timeline.MembersJoined.class,
        stored("ann", "system", "{\"event\":\"joined\",\"by\":\"ann\",\"users\":[\"di\"]}"));
    readsAs(
        Timeline.MemberLeft.class, stored("bo", "system", "{\"event\":\"left\",\"user\":\"bo\"}"));
    readsAs(
        Timeline.MemberLeft.class,
        stored("ann", "system", "{\"event\":\"left\",\"user\":\"ann\",\"owner\":\"bo\"}"));
    readsAs(
        Timeline.MemberKicked.class,
        stored("ann", "system", "{\"event\":\"kicked\",\"user\":\"cy\",\"by\":\"ann\"}"));
    readsAs(
        Timeline.TitleChanged.class,
        stored("ann", "system", "{\"event\":\"title\",\"title\":\"u\",\"by\":\"ann\"}"));
    readsAs(
        Timeline.RoleChanged.class,
        stored(
            "ann",
            "system",
            "{\"event\":\"role\",\"user\":\"bo\",\"role\":\"admin\",\"by\":\"ann\"}"));
  }

  @Test
  void anEntryOfAKindThisBuildDoesNotKnowIsKeptAsStored() throws Exception {
    EntryAppended unknown = stored("ann", "system", "{\"event\":\"pinned\",\"seq\":2}");
    assertSame(unknown, Timeline.typed(unknown));
    EntryAppended future = stored("ann", "poll", "{\"q\":\"?\"}");
    assertSame(future, Timeline.typed(future));
  }

  @Test
  void membershipFollowsTheTypedEvents() throws Exception {
    TimelineState state = TimelineState.empty(10, false);
    state.append(
        Timeline.typed(
            stored(
                "ann",
                "system",
                "{\"event\":\"created\",\"owner\":\"ann\",\"title\":\"t\",\"members\":[\"bo\"]}")));
    state.append(new Timeline.MembersJoined("ann", "s2", List.of("cy"), 1L));
    state.append(new Timeline.MemberLeft("ann", "s3", "bo", 2L));
    state.append(new Timeline.RoleChanged("bo", "s4", "cy", Membership.ADMIN, 3L));
    assertEquals(
        java.util.Map.of(
            "bo", new Membership.Member(Membership.OWNER, 1),
            "cy", new Membership.Member(Membership.ADMIN, 2)),
        state.membership().members());
  }
}
