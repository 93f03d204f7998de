package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.conversation.ConversationEntity.GroupOp;
import io.parley.conversation.Replies.PostReply;
import io.parley.conversation.Replies.Posted;
import io.parley.conversation.Replies.Rejected;
import io.parley.protocol.ErrorCode;
import io.parley.testing.EntityTestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Commands that reach a conversation in a burst while a write is held up, so they all queue behind
 * it: the queued posts share writes (at most {@code max-posts-per-write} entries each), yet every
 * post gets its own consecutive seq in arrival order, a retry its original's, and a membership
 * change lands exactly between the posts sent before and after it.
 */
class BurstOrderTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static ActorTestKit testKit;
  private static ClusterSharding sharding;
  private static PersistenceTestKit journal;
  private static final int MAX_PER_WRITE = 16;
  // Journal writes per persistence id, as the number of events in each, and a gate that holds
  // the next write back until the test has sent its burst.
  private static final Map<String, List<Integer>> writes = new ConcurrentHashMap<>();
  private static volatile CountDownLatch gate = new CountDownLatch(0);

  @BeforeAll
  static void startCluster() throws Exception {
    testKit = EntityTestCluster.start();
    sharding = ClusterSharding.get(testKit.system());
    journal = PersistenceTestKit.create(testKit.system());
    journal.withPolicy(
        (persistenceId, operation) -> {
          if (operation instanceof WriteEvents write) {
            writes
                .computeIfAbsent(persistenceId, id -> new CopyOnWriteArrayList<>())
                .add(write.getBatch().size());
            awaitGate();
          }
          return ProcessingSuccess.getInstance();
        });
    io.parley.user.UserEntities.init(
        testKit.system(),
        100,
        new io.parley.conversation.UserNotices(ClusterSharding.get(testKit.system())),
        io.parley.notifications.NotificationSink.DISABLED);
    EntityTestCluster.registerUsers(testKit, "ann", "ben", "cat");
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static void awaitGate() {
    try {
      gate.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<Integer> writesOf(String conv) {
    return writes.getOrDefault(ConversationEntity.persistenceId(conv).id(), List.of());
  }

  private static ActorRef<ConversationEntity.Command> spawn(String conv) {
    var settings =
        new ConversationSettings(
            1000,
            1000,
            2,
            WAIT,
            new io.parley.conversation.ConversationSettings.Backoff(
                java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(30), 0),
            5000,
            MAX_PER_WRITE,
            new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    return testKit.spawn(ConversationEntity.create(conv, settings, sharding));
  }

  private static ConversationEntity.Post post(
      String from, String cid, ActorRef<PostReply> replyTo) {
    return new ConversationEntity.Post(from, cid, "text", TextNode.valueOf("body " + cid), replyTo);
  }

  @Test
  void aBurstOfPostsGetsConsecutiveSeqsInArrivalOrderAndRetriesTheirOriginals() {
    String conv = "d:ann:ben";
    var entity = spawn(conv);
    // The first post links the conversation; the burst comes once that is done.
    TestProbe<PostReply> first = testKit.createTestProbe();
    entity.tell(post("ann", "first", first.getRef()));
    assertEquals(1, first.expectMessageClass(Posted.class, WAIT).seq());

    List<TestProbe<PostReply>> probes = new ArrayList<>();
    List<String> cids = new ArrayList<>();
    TestProbe<PostReply> retry = testKit.createTestProbe();
    gate = new CountDownLatch(1);
    for (int i = 0; i < 60; i++) {
      TestProbe<PostReply> probe = testKit.createTestProbe();
      String cid = "m" + i;
      entity.tell(post(i % 2 == 0 ? "ann" : "ben", cid, probe.getRef()));
      // A retry right behind its original: most likely both wait for the same write.
      if (i == 10) entity.tell(post("ann", "m10", retry.getRef()));
      probes.add(probe);
      cids.add(cid);
    }
    TestProbe<PostReply> notRetry = testKit.createTestProbe();
    entity.tell(post("ben", "m10", notRetry.getRef())); // the same cid from the other member is new
    gate.countDown();

    for (int i = 0; i < 60; i++) {
      assertEquals(2 + i, probes.get(i).expectMessageClass(Posted.class, WAIT).seq(), "post " + i);
    }
    assertEquals(12, retry.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(62, notRetry.expectMessageClass(Posted.class, WAIT).seq());

    List<Object> stored = stored(conv);
    assertEquals(62, stored.size());
    for (int i = 0; i < 60; i++) {
      assertEquals(cids.get(i), ((Timeline.Appended) stored.get(1 + i)).cid(), "entry " + (2 + i));
    }
    assertEquals("ben", ((Timeline.Appended) stored.get(61)).from());

    // The first burst post was written alone (the gate held it); the other 60 entries queued
    // behind it and went in full writes.
    List<Integer> sizes = writesOf(conv);
    assertEquals(List.of(1, 1, 16, 16, 16, 12), sizes, "entries per write");
  }

  @Test
  void aKickAmidPostsLandsBetweenThePostsSentBeforeAndAfterIt() {
    String conv = "g:commitkick";
    var entity = spawn(conv);
    TestProbe<PostReply> created = testKit.createTestProbe();
    entity.tell(new ConversationEntity.Create("ann", "t", List.of("ben", "cat"), created.getRef()));
    assertEquals(1, created.expectMessageClass(Posted.class, WAIT).seq());

    List<TestProbe<PostReply>> before = new ArrayList<>();
    gate = new CountDownLatch(1);
    for (int i = 0; i < 5; i++) {
      TestProbe<PostReply> p = testKit.createTestProbe();
      entity.tell(post("cat", "before" + i, p.getRef()));
      before.add(p);
    }
    TestProbe<PostReply> kick = testKit.createTestProbe();
    entity.tell(
        new ConversationEntity.Manage(
            "ann", GroupOp.KICK, List.of("cat"), null, null, kick.getRef()));
    TestProbe<PostReply> afterKick = testKit.createTestProbe();
    entity.tell(post("cat", "after", afterKick.getRef()));
    TestProbe<PostReply> ben = testKit.createTestProbe();
    entity.tell(post("ben", "ben-after", ben.getRef()));
    gate.countDown();

    for (int i = 0; i < 5; i++)
      assertEquals(2 + i, before.get(i).expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(7, kick.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(ErrorCode.FORBIDDEN, afterKick.expectMessageClass(Rejected.class, WAIT).code());
    assertEquals(8, ben.expectMessageClass(Posted.class, WAIT).seq());

    List<Object> stored = stored(conv);
    assertEquals(8, stored.size());
    assertEquals("before4", ((Timeline.Appended) stored.get(5)).cid());
    assertEquals(TimelineState.SYSTEM, ((Timeline.Appended) stored.get(6)).kind());
    assertInstanceOf(Timeline.Posted.class, stored.get(7));
    assertEquals("ben-after", ((Timeline.Appended) stored.get(7)).cid());
    // The four posts queued behind the first went in the kick's own write.
    assertEquals(List.of(1, 1, 5, 1), writesOf(conv), "entries per write");
  }

  /** The journal's events of conv, decrypted (they are stored encrypted at rest). */
  private static List<Object> stored(String conv) {
    StoredEntries entries = StoredEntries.of(testKit.system(), conv);
    return journal.persistedInStorage(ConversationEntity.persistenceId(conv).id()).stream()
        .<Object>map(entries::open)
        .toList();
  }
}
