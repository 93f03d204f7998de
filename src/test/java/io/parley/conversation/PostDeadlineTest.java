package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import io.parley.conversation.Replies.PostReply;
import io.parley.conversation.Replies.Posted;
import io.parley.conversation.Replies.Rejected;
import io.parley.protocol.ErrorCode;
import io.parley.push.Push;
import io.parley.testing.Await;
import io.parley.testing.EntityTestCluster;
import io.parley.user.UserEntities;
import io.parley.user.UserEntity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.StorageFailure;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A post is stored only if its conversation takes it for a write before its deadline: one that
 * reaches the conversation later, for instance while it waits behind a write that takes long, is
 * answered {@code unavailable}, stored never and pushed to nobody, and its retry with the same cid
 * is stored once. Also the test-only switch that answers {@code sent} before the write.
 */
class PostDeadlineTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  // Far enough ahead never to pass during a test.
  private static final Duration LATER = Duration.ofMinutes(1);
  private static ActorTestKit testKit;
  private static ClusterSharding sharding;
  private static PersistenceTestKit journal;
  // A gate that holds conversations' writes back until it opens (users' writes pass: the journal
  // is one actor, a held user write would hold all), the persistence ids whose writes fail, the
  // writes that reached the gate per id, and the number of entries in each write per id.
  private static volatile CountDownLatch gate = new CountDownLatch(0);
  private static final Set<String> failing = ConcurrentHashMap.newKeySet();
  private static final Map<String, CountDownLatch> atGate = new ConcurrentHashMap<>();
  private static final Map<String, List<Integer>> writes = new ConcurrentHashMap<>();

  @BeforeAll
  static void startCluster() throws Exception {
    testKit = EntityTestCluster.start();
    sharding = ClusterSharding.get(testKit.system());
    journal = PersistenceTestKit.create(testKit.system());
    journal.withPolicy(
        (persistenceId, operation) -> {
          if (operation instanceof WriteEvents write
              && persistenceId.startsWith(ConversationEntity.ENTITY_KEY.name())) {
            boolean fail = failing.contains(persistenceId);
            writes
                .computeIfAbsent(persistenceId, id -> new CopyOnWriteArrayList<>())
                .add(write.getBatch().size());
            atGate.getOrDefault(persistenceId, new CountDownLatch(0)).countDown();
            await(gate);
            if (fail) return StorageFailure.create(new RuntimeException("journal down (test)"));
          }
          return ProcessingSuccess.getInstance();
        });
    UserEntities.init(
        testKit.system(),
        100,
        new UserNotices(sharding),
        io.parley.notifications.NotificationSink.DISABLED);
    EntityTestCluster.registerUsers(testKit, "ann", "ben", "cat", "dan");
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A test that failed with the gate shut must not hold the next one's writes. */
  @AfterEach
  void openTheGate() {
    gate.countDown();
    failing.clear();
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static ConversationSettings settings(boolean ackBeforePersist) {
    return new ConversationSettings(
        1000,
        1000,
        2,
        WAIT,
        new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), 0),
        5000,
        16,
        new ConversationSettings.Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2),
        ackBeforePersist,
        Duration.ofHours(48));
  }

  private static ActorRef<ConversationEntity.Command> spawn(String conv) {
    return testKit.spawn(ConversationEntity.create(conv, settings(false), sharding));
  }

  private static long in(Duration d) {
    return System.currentTimeMillis() + d.toMillis();
  }

  private static ConversationEntity.Post post(
      String from, String cid, long deadline, ActorRef<PostReply> replyTo) {
    return new ConversationEntity.Post(
        from, cid, "text", TextNode.valueOf("body " + cid), replyTo, null, deadline);
  }

  /** Posts and waits for its answer. */
  private static PostReply posted(
      ActorRef<ConversationEntity.Command> entity, String from, String cid, long deadline) {
    TestProbe<PostReply> probe = testKit.createTestProbe();
    entity.tell(post(from, cid, deadline, probe.getRef()));
    return probe.expectMessageClass(PostReply.class, WAIT);
  }

  /** The cids of conv's journal, in seq order (decrypted: they are stored encrypted at rest). */
  private static List<String> storedCids(String conv) {
    StoredEntries entries = StoredEntries.of(testKit.system(), conv);
    return journal.persistedInStorage(ConversationEntity.persistenceId(conv).id()).stream()
        .map(e -> ((Timeline.Appended) entries.open(e)).cid())
        .toList();
  }

  /** The conversation's last seq as it answers user; -1 if it does not answer within a second. */
  private static long lastSeq(ActorRef<ConversationEntity.Command> entity, String user) {
    TestProbe<Replies.SummaryReply> probe = testKit.createTestProbe();
    entity.tell(new ConversationEntity.GetSummary(user, probe.getRef()));
    try {
      return probe.expectMessageClass(Replies.Summary.class, Duration.ofSeconds(1)).lastSeq();
    } catch (AssertionError restarting) {
      return -1;
    }
  }

  private static void assertLate(PostReply reply) {
    Rejected refused = assertInstanceOf(Rejected.class, reply);
    assertEquals(ErrorCode.UNAVAILABLE, refused.code());
    assertTrue(refused.message().contains("nothing was stored"), refused.message());
  }

  @Test
  void aPostPastItsDeadlineIsRefusedUnstoredUnpushedAndItsRetryIsStoredOnce() {
    String conv = "d:ann:ben";
    var entity = spawn(conv);
    TestProbe<Push> ben = testKit.createTestProbe();
    sharding
        .entityRefFor(UserEntity.ENTITY_KEY, "ben")
        .tell(new UserEntity.Attach("phone", "ben-token", ben.getRef()));
    assertEquals(1, assertInstanceOf(Posted.class, posted(entity, "ann", "first", 0)).seq());

    assertLate(posted(entity, "ann", "late", System.currentTimeMillis() - 1));
    assertEquals(List.of("first"), storedCids(conv));
    assertEquals(1, lastSeq(entity, "ann"));

    // The retry with the same cid, in time, is stored once; a late retry of it gets its seq.
    assertEquals(2, assertInstanceOf(Posted.class, posted(entity, "ann", "late", in(LATER))).seq());
    assertEquals(2, assertInstanceOf(Posted.class, posted(entity, "ann", "late", 1)).seq());
    assertEquals(List.of("first", "late"), storedCids(conv));

    // ben's device got each stored entry once, and nothing of the refused post.
    List<Long> pushed = new ArrayList<>();
    ben.fishForMessage(
        WAIT,
        m -> {
          if (!(m instanceof Push.Delivery d)) return FishingOutcomes.continueAndIgnore();
          pushed.add(d.entry().seq());
          return d.entry().seq() == 2
              ? FishingOutcomes.complete()
              : FishingOutcomes.continueAndIgnore();
        });
    assertEquals(2L, pushed.get(pushed.size() - 1));
    assertEquals(pushed.stream().distinct().toList(), pushed, "each entry pushed once");
  }

  @Test
  void aPostWaitingBehindALongWriteUntilPastItsDeadlineIsRefusedAndTheOthersAreStoredDense()
      throws Exception {
    String conv = "d:ann:cat";
    String pid = ConversationEntity.persistenceId(conv).id();
    var entity = spawn(conv);
    assertEquals(1, assertInstanceOf(Posted.class, posted(entity, "ann", "first", 0)).seq());

    // ann's post is written and held at the gate; three posts queue behind it meanwhile, one
    // with a deadline that passes before the gate opens.
    CountDownLatch written = new CountDownLatch(1);
    atGate.put(pid, written);
    gate = new CountDownLatch(1);
    TestProbe<PostReply> slow = testKit.createTestProbe();
    entity.tell(post("ann", "slow", in(LATER), slow.getRef()));
    assertTrue(await(written));
    TestProbe<PostReply> before = testKit.createTestProbe();
    TestProbe<PostReply> late = testKit.createTestProbe();
    TestProbe<PostReply> lateRetry = testKit.createTestProbe();
    TestProbe<PostReply> after = testKit.createTestProbe();
    long soon = in(Duration.ofMillis(100));
    entity.tell(post("cat", "before", in(LATER), before.getRef()));
    entity.tell(post("ann", "late", soon, late.getRef()));
    entity.tell(post("ann", "late", soon, lateRetry.getRef()));
    entity.tell(post("cat", "after", in(LATER), after.getRef()));
    Await.until(System::currentTimeMillis, now -> now > soon, WAIT, "the deadline to pass");
    gate.countDown();

    assertEquals(2, slow.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(3, before.expectMessageClass(Posted.class, WAIT).seq());
    assertLate(late.expectMessageClass(PostReply.class, WAIT));
    assertLate(lateRetry.expectMessageClass(PostReply.class, WAIT));
    assertEquals(4, after.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(List.of("first", "slow", "before", "after"), storedCids(conv));
    // The two in time queued behind the slow write and went in the next one together.
    assertEquals(List.of(1, 1, 2), writes.get(pid), "entries per write");

    // Retried in time, it is stored once, after them; each refused sender was answered once.
    TestProbe<PostReply> retry = testKit.createTestProbe();
    entity.tell(post("ann", "late", in(LATER), retry.getRef()));
    entity.tell(post("ann", "late", in(LATER), retry.getRef()));
    assertEquals(5, retry.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(5, retry.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(List.of("first", "slow", "before", "after", "late"), storedCids(conv));
    late.expectNoMessage(Duration.ofMillis(100));
    lateRetry.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aRetryThatJoinsAHeldPostIsAnsweredOnceWithItsSeq() {
    String conv = "d:ben:cat";
    String pid = ConversationEntity.persistenceId(conv).id();
    var entity = spawn(conv);
    assertEquals(1, assertInstanceOf(Posted.class, posted(entity, "ben", "first", 0)).seq());

    CountDownLatch written = new CountDownLatch(1);
    atGate.put(pid, written);
    gate = new CountDownLatch(1);
    TestProbe<PostReply> slow = testKit.createTestProbe();
    entity.tell(post("ben", "slow", in(LATER), slow.getRef()));
    assertTrue(await(written));
    // Behind the slow write: a post, its retry (held together, the retry joins it) and one more.
    TestProbe<PostReply> original = testKit.createTestProbe();
    TestProbe<PostReply> retry = testKit.createTestProbe();
    TestProbe<PostReply> other = testKit.createTestProbe();
    entity.tell(post("cat", "m", in(LATER), original.getRef()));
    entity.tell(post("cat", "m", in(LATER), retry.getRef()));
    entity.tell(post("ben", "n", in(LATER), other.getRef()));
    gate.countDown();

    assertEquals(2, slow.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(3, original.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(3, retry.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(4, other.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(List.of("first", "slow", "m", "n"), storedCids(conv));
    original.expectNoMessage(Duration.ofMillis(100));
    retry.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void withAckBeforePersistOnASendIsAnsweredSentBeforeItIsStoredAndLostIfTheWriteFails()
      throws Exception {
    String conv = "d:ann:dan";
    String pid = ConversationEntity.persistenceId(conv).id();
    var entity = testKit.spawn(ConversationEntity.create(conv, settings(true), sharding));
    assertEquals(1, assertInstanceOf(Posted.class, posted(entity, "ann", "first", 0)).seq());
    Await.until(() -> storedCids(conv), List.of("first")::equals, WAIT, "the first post stored");

    CountDownLatch written = new CountDownLatch(1);
    atGate.put(pid, written);
    failing.add(pid);
    gate = new CountDownLatch(1);
    TestProbe<PostReply> acked = testKit.createTestProbe();
    entity.tell(post("ann", "lost", in(LATER), acked.getRef()));
    assertTrue(await(written));
    // Its write is held at the gate, decided to fail, and its sender already has its seq.
    assertEquals(2, acked.expectMessageClass(Posted.class, WAIT).seq());
    assertEquals(List.of("first"), storedCids(conv));
    gate.countDown();

    // The conversation restarts after the failed write without it: the acked post is lost.
    Await.until(() -> lastSeq(entity, "ann"), seq -> seq == 1, WAIT, "the restarted lastSeq");
    failing.remove(pid);
    assertEquals(List.of("first"), storedCids(conv));
    acked.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void theUnsafeSwitchIsOffByDefaultAndWarnedOfWhenOn() {
    assertFalse(ConversationSettings.from(ConfigFactory.load()).ackBeforePersist());
    LoggingTestKit.warn("never in production")
        .expect(
            testKit.system(),
            () -> {
              ConversationEntity.init(testKit.system(), settings(true));
              return null;
            });
  }

  @Test
  void aPostWithoutADeadlineCarriesNoFieldForItAndOneFromAnOlderBuildHasNone() throws Exception {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    TestProbe<PostReply> probe = testKit.createTestProbe();
    var post = post("ann", "c1", 0, probe.getRef());
    byte[] bytes = serialization.serialize(post).get();
    assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains("deadline"));
    var read =
        serialization
            .deserialize(
                bytes,
                serialization.findSerializerFor(post).identifier(),
                Serializers.manifestFor(serialization.findSerializerFor(post), post))
            .get();
    assertEquals(0, ((ConversationEntity.Post) read).deadline());
    var timed = post("ann", "c2", 1_800_000_000_000L, probe.getRef());
    byte[] timedBytes = serialization.serialize(timed).get();
    assertEquals(
        timed,
        serialization
            .deserialize(
                timedBytes,
                serialization.findSerializerFor(timed).identifier(),
                Serializers.manifestFor(serialization.findSerializerFor(timed), timed))
            .get());
  }
}
