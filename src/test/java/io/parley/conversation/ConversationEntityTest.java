package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.conversation.Replies.PageRange;
import io.parley.conversation.Replies.PageReply;
import io.parley.conversation.Replies.PostReply;
import io.parley.conversation.Replies.Posted;
import io.parley.conversation.Replies.Rejected;
import io.parley.protocol.ErrorCode;
import io.parley.testing.EntityTestCluster;
import io.parley.user.Contacts;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The conversation entity on the in-memory journal, with real user entities beside it in a one-node
 * cluster (the conversation asks them to link it before its first post).
 */
class ConversationEntityTest {
  private static ActorTestKit testKit;
  private static ClusterSharding sharding;

  @BeforeAll
  static void startCluster() throws Exception {
    testKit = EntityTestCluster.start();
    sharding = ClusterSharding.get(testKit.system());
    // Users tell their direct conversations about blocks through sharding.
    EntityTestCluster.initUsers(testKit);
    ConversationEntity.init(testKit.system(), settings(1000));
    EntityTestCluster.registerUsers(testKit, "alice", "bob", "carol", "dan", "eve", "fay");
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ConversationSettings settings(int snapshotEvery) {
    return new ConversationSettings(
        1000,
        snapshotEvery,
        2,
        Duration.ofSeconds(10),
        new io.parley.conversation.ConversationSettings.Backoff(
            java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(30), 0),
        5000,
        16,
        new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
  }

  private static EventSourcedBehaviorTestKit<
          ConversationEntity.Command, ConversationEntity.Event, TimelineState>
      kit(String conv, int snapshotEvery) {
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        ConversationEntity.create(conv, settings(snapshotEvery), sharding),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<
          ConversationEntity.Command, ConversationEntity.Event, TimelineState, PostReply>
      post(
          EventSourcedBehaviorTestKit<
                  ConversationEntity.Command, ConversationEntity.Event, TimelineState>
              kit,
          String from,
          String cid) {
    return kit.<PostReply>runCommand(
        replyTo ->
            new ConversationEntity.Post(from, cid, "text", TextNode.valueOf("hi " + cid), replyTo));
  }

  @Test
  void seqsAreOneToNInPostOrder() {
    var kit = kit("d:alice:bob", 1000);
    StoredEntries journal = StoredEntries.of(testKit.system(), "d:alice:bob");
    for (int i = 1; i <= 20; i++) {
      var result = post(kit, i % 2 == 0 ? "alice" : "bob", "c" + i);
      assertEquals(new Posted(i, ((Posted) result.reply()).ts()), result.reply());
      // The journal holds it encrypted at rest; decrypted, it is the typed event.
      assertInstanceOf(Timeline.Posted.class, journal.open(result.event()));
    }
    assertEquals(20, kit.getState().lastSeq());
  }

  @Test
  void repeatedCidRepliesWithTheOriginalSeqAndPersistsNothing() {
    var kit = kit("d:alice:carol", 1000);
    Posted first = (Posted) post(kit, "alice", "x").reply();
    post(kit, "carol", "y");
    var again = post(kit, "alice", "x");
    assertEquals(first, again.reply());
    assertTrue(again.hasNoEvents());
    // The same cid from the other member is a different message.
    assertEquals(3, ((Posted) post(kit, "carol", "x").reply()).seq());
  }

  @Test
  void seqAndDedupSurviveRestartWithAndWithoutSnapshots() {
    for (int snapshotEvery : new int[] {1000, 3}) {
      var kit = kit("d:bob:carol", snapshotEvery);
      kit.clear(); // the second round starts from an empty journal again
      for (int i = 1; i <= 10; i++) post(kit, "bob", "c" + i);
      kit.restart();
      assertEquals(10, kit.getState().lastSeq());
      var retry = post(kit, "bob", "c2");
      assertEquals(2, ((Posted) retry.reply()).seq());
      assertTrue(retry.hasNoEvents());
      assertEquals(11, ((Posted) post(kit, "carol", "new").reply()).seq());
    }
  }

  @Test
  void aBlockMadeBeforeTheConversationStartsRefusesTheBlockedFromItsFirstPost() throws Exception {
    sharding
        .entityRefFor(UserEntity.ENTITY_KEY, "fay")
        .<Done>ask(
            r -> new UserEntity.ChangeContact("eve", Contacts.Change.BLOCKED, r),
            Duration.ofSeconds(20))
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    // A new incarnation learns the block only from the members' user entities (linking).
    var kit = kit("d:eve:fay", 1000);
    var refused = post(kit, "eve", "e1");
    assertEquals(ErrorCode.FORBIDDEN, assertInstanceOf(Rejected.class, refused.reply()).code());
    assertTrue(refused.hasNoEvents());
    assertEquals(1, ((Posted) post(kit, "fay", "f1").reply()).seq());
  }

  @Test
  void nonMemberIsRejectedAndNothingIsStored() {
    var kit = kit("d:alice:bob", 1000);
    var result = post(kit, "carol", "c1");
    assertEquals(ErrorCode.FORBIDDEN, ((Rejected) result.reply()).code());
    assertTrue(result.hasNoEvents());
    var page =
        kit.<PageReply>runCommand(r -> new ConversationEntity.Page("carol", null, null, 50, r));
    assertEquals(ErrorCode.FORBIDDEN, ((Rejected) page.reply()).code());
  }

  @Test
  void postToAnUnregisteredUserIsNotFoundAndStoresNothing() {
    var kit = kit("d:alice:nobody", 1000);
    var result = post(kit, "alice", "c1");
    assertEquals(ErrorCode.NOT_FOUND, ((Rejected) result.reply()).code());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void pageRangesFollowBeforeAndAfter() {
    var kit = kit("d:alice:dan", 1000);
    for (int i = 1; i <= 120; i++) post(kit, "alice", "p" + i);
    assertEquals(new PageRange(71, 120, true), page(kit, null, null, 50));
    assertEquals(new PageRange(21, 70, true), page(kit, 71L, null, 50));
    assertEquals(new PageRange(1, 20, false), page(kit, 21L, null, 50));
    assertEquals(new PageRange(101, 120, false), page(kit, null, 100L, 50));
    assertEquals(new PageRange(11, 60, true), page(kit, null, 10L, 50));
    PageRange beyond = page(kit, null, 120L, 50);
    assertTrue(beyond.to() < beyond.from() && !beyond.hasMore());
  }

  private static PageRange page(
      EventSourcedBehaviorTestKit<
              ConversationEntity.Command, ConversationEntity.Event, TimelineState>
          kit,
      Long before,
      Long after,
      int limit) {
    return (PageRange)
        kit.<PageReply>runCommand(
                r -> new ConversationEntity.Page("alice", before, after, limit, r))
            .reply();
  }
}
