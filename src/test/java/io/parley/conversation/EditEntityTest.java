package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.conversation.Replies.PostReply;
import io.parley.conversation.Replies.Posted;
import io.parley.conversation.Replies.Rejected;
import io.parley.protocol.ErrorCode;
import io.parley.testing.EntityTestCluster;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Edits on the in-memory journal: the rules (as recall's), the index, and its replay. */
class EditEntityTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static ActorTestKit testKit;
  private static ClusterSharding sharding;

  @BeforeAll
  static void startCluster() throws Exception {
    testKit = EntityTestCluster.start();
    sharding = ClusterSharding.get(testKit.system());
    EntityTestCluster.initUsers(testKit);
    ConversationEntity.init(testKit.system(), settings(3, 1000, Duration.ofHours(48)));
    EntityTestCluster.registerUsers(testKit, "alice", "bob");
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ConversationSettings settings(int dedup, int snapshotEvery, Duration window) {
    return new ConversationSettings(
        dedup,
        snapshotEvery,
        2,
        Duration.ofSeconds(10),
        new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), 0),
        5000,
        16,
        new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2),
        false,
        window);
  }

  private static EventSourcedBehaviorTestKit<
          ConversationEntity.Command, ConversationEntity.Event, TimelineState>
      kit(ConversationSettings settings) {
    EventSourcedBehaviorTestKit<ConversationEntity.Command, ConversationEntity.Event, TimelineState>
        kit =
            EventSourcedBehaviorTestKit.create(
                testKit.system(),
                ConversationEntity.create("d:alice:bob", settings, sharding),
                EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    kit.clear();
    return kit;
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<
          ConversationEntity.Command, ConversationEntity.Event, TimelineState, PostReply>
      post(
          EventSourcedBehaviorTestKit<
                  ConversationEntity.Command, ConversationEntity.Event, TimelineState>
              kit,
          String from,
          String cid,
          String kind,
          JsonNode body) {
    return kit.runCommand(replyTo -> new ConversationEntity.Post(from, cid, kind, body, replyTo));
  }

  private static JsonNode edit(long seq, String text) {
    return JSON.objectNode().put("seq", seq).put("text", text);
  }

  private static long seq(PostReply reply) {
    return assertInstanceOf(Posted.class, reply).seq();
  }

  private static Replies.Edits edits(
      EventSourcedBehaviorTestKit<
              ConversationEntity.Command, ConversationEntity.Event, TimelineState>
          kit,
      long from,
      long to) {
    return kit.<Replies.Edits>runCommand(r -> new ConversationEntity.GetEdits(from, to, r)).reply();
  }

  @Test
  void anEditIsAnEntryOfItsOwnAndTheIndexPointsAtTheLatestEvenAfterRestarts() {
    for (int snapshotEvery : new int[] {1000, 3}) {
      var kit = kit(settings(1000, snapshotEvery, Duration.ofHours(48)));
      assertEquals(1, seq(post(kit, "alice", "t1", "text", TextNode.valueOf("helo")).reply()));
      assertEquals(2, seq(post(kit, "bob", "t2", "text", TextNode.valueOf("hi")).reply()));
      var first = post(kit, "alice", "e1", "edit", edit(1, "hello"));
      assertEquals(3, seq(first.reply()));
      assertEquals(
          new Timeline.Edited("alice", "e1", 1, "hello", ((Posted) first.reply()).ts()),
          StoredEntries.of(testKit.system(), "d:alice:bob").open(first.event()));
      assertEquals(4, seq(post(kit, "alice", "e2", "edit", edit(1, "hello!")).reply()));
      assertEquals(5, seq(post(kit, "bob", "e3", "edit", edit(2, "hi there")).reply()));

      Replies.Edits all = edits(kit, 1, 5);
      assertArrayEquals(new long[] {1, 2}, all.targets());
      assertArrayEquals(new long[] {4, 5}, all.latest());
      assertArrayEquals(new long[] {2}, edits(kit, 2, 2).targets());
      assertTrue(edits(kit, 3, 5).none());

      kit.restart();
      Replies.Edits replayed = edits(kit, 1, 5);
      assertArrayEquals(new long[] {1, 2}, replayed.targets());
      assertArrayEquals(new long[] {4, 5}, replayed.latest());
      // A retried edit (same cid) answers its seq again and stores nothing.
      var retry = post(kit, "alice", "e2", "edit", edit(1, "hello!"));
      assertEquals(4, seq(retry.reply()));
      assertTrue(retry.hasNoEvents());
      assertEquals(4, kit.getState().lastOwn("alice"), "an edit is the sender's own entry");
    }
  }

  @Test
  void everyRefusalHasItsCodeAndStoresNothing() {
    var kit = kit(settings(1000, 1000, Duration.ofHours(48)));
    post(kit, "alice", "t1", "text", TextNode.valueOf("one"));
    post(kit, "alice", "r1", "text", TextNode.valueOf("two"));
    post(kit, "alice", "r2", "recall", JSON.objectNode().put("seq", 2));
    post(kit, "alice", "e1", "edit", edit(1, "uno"));
    assertRefused(kit, "bob", edit(1, "mine now"), ErrorCode.FORBIDDEN);
    assertRefused(kit, "alice", edit(9, "nothing there"), ErrorCode.NOT_FOUND);
    assertRefused(kit, "alice", edit(0, "nothing there"), ErrorCode.NOT_FOUND);
    assertRefused(kit, "alice", edit(2, "recalled"), ErrorCode.CONFLICT);
    assertRefused(kit, "alice", edit(3, "a recall"), ErrorCode.BAD_REQUEST);
    assertRefused(kit, "alice", edit(4, "an edit"), ErrorCode.BAD_REQUEST);
    assertRefused(kit, "alice", edit(1, ""), ErrorCode.BAD_REQUEST);
    assertRefused(kit, "alice", JSON.objectNode().put("seq", 1), ErrorCode.BAD_REQUEST);
    assertRefused(kit, "carol", edit(1, "not a member"), ErrorCode.FORBIDDEN);
  }

  @Test
  void entriesPastTheEditWindowOrTheDedupWindowAreTooOld() {
    // A window below zero: every entry is past it.
    var late = kit(settings(1000, 1000, Duration.ofMillis(-1)));
    post(late, "alice", "t1", "text", TextNode.valueOf("one"));
    assertEquals("entry 1 is too old to edit", assertRefused(late, "alice", edit(1, "x"), null));

    var forgotten = kit(settings(3, 1000, Duration.ofHours(48)));
    for (int i = 1; i <= 4; i++) post(forgotten, "alice", "t" + i, "text", TextNode.valueOf("m"));
    assertEquals(
        "entry 1 is too old to edit", assertRefused(forgotten, "alice", edit(1, "x"), null));
    assertEquals(5, seq(post(forgotten, "alice", "e2", "edit", edit(2, "x")).reply()));
  }

  /** The refusal's message; its code is {@code code} (forbidden when null). */
  private static String assertRefused(
      EventSourcedBehaviorTestKit<
              ConversationEntity.Command, ConversationEntity.Event, TimelineState>
          kit,
      String from,
      JsonNode body,
      ErrorCode code) {
    var result = post(kit, from, "x-" + System.nanoTime(), "edit", body);
    Rejected rejected = assertInstanceOf(Rejected.class, result.reply(), body.toString());
    assertEquals(code == null ? ErrorCode.FORBIDDEN : code, rejected.code(), rejected.message());
    assertTrue(result.hasNoEvents());
    return rejected.message();
  }
}
