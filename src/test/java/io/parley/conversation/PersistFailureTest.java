package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.StorageFailure;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A journal write that fails must not lose or strand anyone: every post held in it (posts of
 * several members share a write when they queue behind another) and the command that made it are
 * answered {@code unavailable} when the failure shows nothing was stored (Cassandra down), else
 * {@code internal}, outcome unknown, and the conversation comes back to take the same posts again.
 * A post whose body cannot be stored is refused before it joins a write.
 */
class PersistFailureTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  // Short, so the entity is back well within WAIT.
  private static final ConversationSettings.Backoff BACKOFF =
      new ConversationSettings.Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2);
  private static ActorTestKit testKit;
  private static ClusterSharding sharding;
  private static PersistenceTestKit journal;
  // Persistence ids whose writes fail, and a gate that holds conversations' writes back until it
  // opens (the users' writes pass: the journal is one actor, a held user write would hold all).
  private static final Set<String> failing = ConcurrentHashMap.newKeySet();
  private static volatile CountDownLatch gate = new CountDownLatch(0);
  // Per persistence id, counted down by each of its writes that reaches the gate.
  private static final Map<String, CountDownLatch> atGate = new ConcurrentHashMap<>();
  // How the failing writes fail: by default as when Cassandra is down (no write sent).
  private static final Throwable CASSANDRA_DOWN = new NoNodeAvailableException();
  private static volatile Throwable failure = CASSANDRA_DOWN;

  @BeforeAll
  static void startCluster() throws Exception {
    // Events are serialized as the real journal does (jackson-cbor), so what it cannot write fails.
    testKit =
        EntityTestCluster.start(
            ConfigFactory.parseString("pekko.persistence.testkit.events.serialize = on")
                .withFallback(EventSourcedBehaviorTestKit.config()));
    sharding = ClusterSharding.get(testKit.system());
    journal = PersistenceTestKit.create(testKit.system());
    journal.withPolicy(
        (persistenceId, operation) -> {
          if (operation instanceof WriteEvents) {
            // Decided when the write arrives, so a write held at the gate keeps its fate.
            boolean fail = failing.contains(persistenceId);
            if (persistenceId.startsWith(ConversationEntity.ENTITY_KEY.name())) {
              atGate.getOrDefault(persistenceId, new CountDownLatch(0)).countDown();
              await(gate);
            }
            if (fail) return StorageFailure.create(failure);
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

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
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
            16,
            BACKOFF);
    return testKit.spawn(ConversationEntity.create(conv, settings, sharding));
  }

  private static ConversationEntity.Post post(
      String from, String cid, JsonNode body, ActorRef<PostReply> to) {
    return new ConversationEntity.Post(from, cid, "text", body, to);
  }

  private static ConversationEntity.Post post(String from, String cid, ActorRef<PostReply> to) {
    return post(from, cid, TextNode.valueOf("body " + cid), to);
  }

  /** The journal's events of conv, decrypted (they are stored encrypted at rest). */
  private static List<Object> stored(String conv) {
    StoredEntries entries = StoredEntries.of(testKit.system(), conv);
    return journal.persistedInStorage(ConversationEntity.persistenceId(conv).id()).stream()
        .<Object>map(entries::open)
        .toList();
  }

  /** A new group of ann (owner), ben and cat: its creation is seq 1. */
  private static ActorRef<ConversationEntity.Command> groupWithOnePost(String conv) {
    var entity = spawn(conv);
    TestProbe<PostReply> created = testKit.createTestProbe();
    entity.tell(new ConversationEntity.Create("ann", "t", List.of("ben", "cat"), created.getRef()));
    assertEquals(1, created.expectMessageClass(Posted.class, WAIT).seq());
    return entity;
  }

  @Test
  void everyPostHeldInAFailedWriteAndTheChangeThatWroteThemAreUnavailableAndRetriesStoreEachOnce() {
    String conv = "g:failedwrite";
    var entity = groupWithOnePost(conv);
    String[] from = {"ben", "cat", "ann", "ben", "cat"};

    // ann's post is written alone and held at the gate; the members' posts and ann's title
    // change queue behind it, so they go in the next write together, and that write fails.
    String persistenceId = ConversationEntity.persistenceId(conv).id();
    CountDownLatch written = new CountDownLatch(1);
    atGate.put(persistenceId, written);
    gate = new CountDownLatch(1);
    TestProbe<PostReply> first = testKit.createTestProbe();
    entity.tell(post("ann", "first", first.getRef()));
    List<TestProbe<PostReply>> probes = new ArrayList<>();
    for (int i = 0; i < from.length; i++) {
      TestProbe<PostReply> probe = testKit.createTestProbe();
      entity.tell(post(from[i], "m" + i, probe.getRef()));
      probes.add(probe);
    }
    TestProbe<PostReply> retitle = testKit.createTestProbe();
    entity.tell(
        new ConversationEntity.Manage(
            "ann", GroupOp.TITLE, List.of(), "new title", null, retitle.getRef()));
    assertTrue(await(written)); // ann's write is on its way, decided to succeed: fail the next
    failing.add(persistenceId);
    // Logged once, at error, naming the conversation (not again by Pekko's supervisor).
    LoggingTestKit.error(conv)
        .withCheckExcess(true)
        .expect(
            testKit.system(),
            () -> {
              gate.countDown();
              assertEquals(2, first.expectMessageClass(Posted.class, WAIT).seq());
              for (TestProbe<PostReply> probe : probes) {
                assertEquals(
                    ErrorCode.UNAVAILABLE, probe.expectMessageClass(Rejected.class, WAIT).code());
              }
              assertEquals(
                  ErrorCode.UNAVAILABLE, retitle.expectMessageClass(Rejected.class, WAIT).code());
              return null;
            });
    failing.clear();
    assertEquals(2, stored(conv).size(), "nothing of the failed write is stored");

    // The conversation comes back by itself; the same cids are stored once each, gapless.
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < from.length; i++) {
        TestProbe<PostReply> probe = testKit.createTestProbe();
        entity.tell(post(from[i], "m" + i, probe.getRef()));
        assertEquals(
            3 + i,
            probe.expectMessageClass(Posted.class, WAIT).seq(),
            "round " + round + ", m" + i);
      }
    }
    TestProbe<PostReply> retitled = testKit.createTestProbe();
    entity.tell(
        new ConversationEntity.Manage(
            "ann", GroupOp.TITLE, List.of(), "new title", null, retitled.getRef()));
    assertEquals(8, retitled.expectMessageClass(Posted.class, WAIT).seq());
    List<Object> entries = stored(conv);
    assertEquals(8, entries.size());
    for (int i = 0; i < from.length; i++) {
      Timeline.Appended e = (Timeline.Appended) entries.get(2 + i);
      assertEquals("m" + i, e.cid());
      assertEquals(from[i], e.from());
    }
  }

  @Test
  void aWriteThatMayHaveBeenStoredLeavesItsPostsOutcomeUnknownAndTheirRetriesGetOneSeqEach() {
    String conv = "g:unknownwrite";
    var entity = groupWithOnePost(conv);
    String pid = ConversationEntity.persistenceId(conv).id();
    failure = new DriverTimeoutException("write timed out (test)");
    failing.add(pid);
    TestProbe<PostReply> probe = testKit.createTestProbe();
    try {
      entity.tell(post("ben", "m", probe.getRef()));
      Rejected unknown = probe.expectMessageClass(Rejected.class, WAIT);
      assertEquals(ErrorCode.INTERNAL, unknown.code());
      assertTrue(unknown.message().contains("retry with the same cid"), unknown.message());
    } finally {
      failing.clear();
      failure = CASSANDRA_DOWN;
    }
    assertEquals(1, stored(conv).size());
    for (int round = 0; round < 2; round++) {
      entity.tell(post("ben", "m", probe.getRef()));
      assertEquals(2, probe.expectMessageClass(Posted.class, WAIT).seq());
    }
  }

  @Test
  void aFailedCreateIsUnavailableAndMayBeRetried() {
    String conv = "g:failedcreate";
    var entity = spawn(conv);
    failing.add(ConversationEntity.persistenceId(conv).id());
    TestProbe<PostReply> created = testKit.createTestProbe();
    entity.tell(new ConversationEntity.Create("ann", "t", List.of("ben"), created.getRef()));
    assertEquals(ErrorCode.UNAVAILABLE, created.expectMessageClass(Rejected.class, WAIT).code());
    failing.clear();
    assertEquals(0, stored(conv).size());
    TestProbe<PostReply> again = testKit.createTestProbe();
    entity.tell(new ConversationEntity.Create("ann", "t", List.of("ben"), again.getRef()));
    assertEquals(1, again.expectMessageClass(Posted.class, WAIT).seq());
  }

  @Test
  void aPostThatCannotBeStoredIsRefusedAndTheOthersHeldWithItAreStored() {
    String conv = "g:poisoned";
    var entity = groupWithOnePost(conv);
    gate = new CountDownLatch(1);
    TestProbe<PostReply> first = testKit.createTestProbe();
    entity.tell(post("ann", "first", first.getRef()));
    TestProbe<PostReply> ben = testKit.createTestProbe();
    entity.tell(post("ben", "b1", ben.getRef()));
    TestProbe<PostReply> poison = testKit.createTestProbe();
    entity.tell(post("cat", "c1", TextNode.valueOf("bad \ud800 body"), poison.getRef()));
    TestProbe<PostReply> ann = testKit.createTestProbe();
    entity.tell(post("ann", "a1", ann.getRef()));
    TestProbe<PostReply> cat = testKit.createTestProbe();
    entity.tell(post("cat", "c2", cat.getRef()));
    gate.countDown();

    assertEquals(2, first.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(3, ben.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(ErrorCode.BAD_REQUEST, poison.expectMessageClass(Rejected.class, WAIT).code());
    assertEquals(4, ann.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(5, cat.expectMessageClass(Posted.class, WAIT).seq());
    List<Object> entries = stored(conv);
    assertEquals(5, entries.size());
    assertEquals(
        List.of("b1", "a1", "c2"),
        entries.subList(2, 5).stream().map(e -> ((Timeline.Appended) e).cid()).toList());
  }

  @Test
  void aTitleThatCannotBeStoredIsRefused() {
    String conv = "g:poisonedtitle";
    var entity = groupWithOnePost(conv);
    TestProbe<PostReply> retitle = testKit.createTestProbe();
    entity.tell(
        new ConversationEntity.Manage(
            "ann", GroupOp.TITLE, List.of(), "bad \udc00", null, retitle.getRef()));
    assertEquals(ErrorCode.BAD_REQUEST, retitle.expectMessageClass(Rejected.class, WAIT).code());
    TestProbe<PostReply> create = testKit.createTestProbe();
    spawn("g:poisonedcreate")
        .tell(new ConversationEntity.Create("ann", "\ud800", List.of("ben"), create.getRef()));
    assertEquals(ErrorCode.BAD_REQUEST, create.expectMessageClass(Rejected.class, WAIT).code());
    assertEquals(1, stored(conv).size());
    assertEquals(0, stored("g:poisonedcreate").size());
  }

  @Test
  void aRecallStoresOnlyTheSeqItWithdraws() {
    String conv = "g:recallbody";
    var entity = groupWithOnePost(conv);
    TestProbe<PostReply> text = testKit.createTestProbe();
    entity.tell(post("ben", "t1", text.getRef()));
    assertEquals(2, text.expectMessageClass(Posted.class, WAIT).seq());
    var body =
        JsonNodeFactory.instance.objectNode().put("seq", 2).put("smuggled", "x".repeat(60_000));
    TestProbe<PostReply> recall = testKit.createTestProbe();
    entity.tell(new ConversationEntity.Post("ben", "r1", "recall", body, recall.getRef()));
    assertEquals(3, recall.expectMessageClass(Posted.class, WAIT).seq());
    JsonNode stored = ((Timeline.Appended) stored(conv).get(2)).body();
    assertEquals(
        List.of("seq"), List.copyOf(stored.properties().stream().map(Map.Entry::getKey).toList()));
    assertEquals(2, stored.get("seq").asLong());
  }
}
