package io.parley.edge.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationSettings;
import io.parley.conversation.Replies;
import io.parley.conversation.UserNotices;
import io.parley.edge.budgets.SendGate;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.testing.Await;
import io.parley.testing.EntityTestCluster;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the edge answers a send, through sharding to a real conversation entity whose journal writes
 * the test holds back: {@code sent} for a post taken before its deadline even when its write ends
 * after it; {@code unavailable}, and nothing stored, for a post that reaches its conversation after
 * its deadline; {@code internal} (outcome unknown), never {@code unavailable}, when no answer comes
 * in time, since the post may be stored after all.
 */
class SendAnswerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  // Short, so the tests wait little; the wait is what SendDeadline gives, in proportion.
  private static final SendDeadline TIMES =
      new SendDeadline(Duration.ofMillis(300), Duration.ofSeconds(2));
  private static ActorTestKit testKit;
  private static ClusterSharding sharding;
  private static Requests requests;
  private static volatile CountDownLatch gate = new CountDownLatch(0);
  // Per persistence id, counted down by each of its writes that reaches the gate.
  private static final Map<String, CountDownLatch> atGate = new ConcurrentHashMap<>();

  @BeforeAll
  static void startCluster() throws Exception {
    testKit = EntityTestCluster.start();
    sharding = ClusterSharding.get(testKit.system());
    PersistenceTestKit.create(testKit.system())
        .withPolicy(
            (persistenceId, operation) -> {
              // Only conversations' writes wait: the journal is one actor, a held user write
              // would hold all.
              if (operation instanceof WriteEvents
                  && persistenceId.startsWith(ConversationEntity.ENTITY_KEY.name())) {
                atGate.getOrDefault(persistenceId, new CountDownLatch(0)).countDown();
                await(gate);
              }
              return ProcessingSuccess.getInstance();
            });
    io.parley.user.UserEntities.init(
        testKit.system(),
        100,
        new UserNotices(sharding),
        io.parley.notifications.NotificationSink.DISABLED);
    ConversationEntity.init(
        testKit.system(),
        new ConversationSettings(
            1000,
            1000,
            2,
            WAIT,
            new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), 0),
            5000,
            16,
            new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)));
    EntityTestCluster.registerUsers(testKit, "ann", "ben", "cat", "dan");
    var settings =
        new RequestDeps.Settings(
            Duration.ofSeconds(5),
            Duration.ofSeconds(1),
            TIMES,
            50,
            256 * 1024,
            4,
            5000,
            1000,
            500);
    requests =
        new Requests(new RequestDeps(settings, sharding, null, new SendGate(1)), testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void openTheGate() {
    gate.countDown();
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A stand-in for a session: sends what it is told as ann, and passes each answer on. */
  private static ActorRef<Object> session(ActorRef<ServerFrame> answers) {
    Behavior<Object> behavior =
        Behaviors.setup(
            ctx ->
                Behaviors.receive(Object.class)
                    .onMessage(
                        ClientFrame.Send.class,
                        send -> {
                          requests.send(ctx, "ann", send, frame -> frame);
                          return Behaviors.same();
                        })
                    .onMessage(
                        ServerFrame.class,
                        frame -> {
                          answers.tell(frame);
                          return Behaviors.same();
                        })
                    .build());
    return testKit.spawn(behavior);
  }

  private static ClientFrame.Send send(String conv, String cid) {
    return new ClientFrame.Send("r-" + cid, conv, cid, "text", TextNode.valueOf("body " + cid));
  }

  private static long sent(TestProbe<ServerFrame> answers) {
    return answers.expectMessageClass(ServerFrame.Sent.class, WAIT).seq();
  }

  private static long lastSeq(String conv) throws Exception {
    return sharding
        .entityRefFor(ConversationEntity.ENTITY_KEY, conv)
        .<Replies.SummaryReply>ask(r -> new ConversationEntity.GetSummary("ann", r), WAIT)
        .thenApply(reply -> ((Replies.Summary) reply).lastSeq())
        .toCompletableFuture()
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Holds conv's next write at the gate: returns once the conversation has taken the post. */
  private static void holdNextWrite(String conv, ActorRef<Object> session, String cid) {
    CountDownLatch written = new CountDownLatch(1);
    atGate.put(ConversationEntity.persistenceId(conv).id(), written);
    gate = new CountDownLatch(1);
    session.tell(send(conv, cid));
    assertTrue(await(written));
  }

  private static void untilPast(long deadline) throws Exception {
    Await.until(System::currentTimeMillis, now -> now > deadline, WAIT, "the deadline to pass");
  }

  @Test
  void aPostTakenBeforeItsDeadlineIsAnsweredSentThoughItsWriteEndsAfterIt() throws Exception {
    String conv = "d:ann:ben";
    TestProbe<ServerFrame> answers = testKit.createTestProbe();
    ActorRef<Object> session = session(answers.getRef());
    session.tell(send(conv, "first"));
    assertEquals(1, sent(answers));

    long deadline = System.currentTimeMillis() + TIMES.deadline().toMillis();
    holdNextWrite(conv, session, "slow");
    untilPast(deadline);
    gate.countDown();
    assertEquals(2, sent(answers));
  }

  @Test
  void aPostThatReachesItsConversationAfterItsDeadlineIsUnavailableAndNotStored() throws Exception {
    String conv = "d:ann:cat";
    TestProbe<ServerFrame> answers = testKit.createTestProbe();
    ActorRef<Object> session = session(answers.getRef());
    session.tell(send(conv, "first"));
    assertEquals(1, sent(answers));

    // "late" queues behind a write held until after its deadline, as a post that sharding
    // buffered while its conversation moved.
    holdNextWrite(conv, session, "ahead");
    long deadline = System.currentTimeMillis() + TIMES.deadline().toMillis();
    session.tell(send(conv, "late"));
    untilPast(deadline);
    gate.countDown();
    assertEquals(2, sent(answers));
    ServerFrame.Error refused = answers.expectMessageClass(ServerFrame.Error.class, WAIT);
    assertEquals("unavailable", refused.code());
    assertEquals("r-late", refused.rid());
    assertEquals(2, lastSeq(conv), "nothing stored");

    session.tell(send(conv, "late"));
    assertEquals(3, sent(answers));
  }

  @Test
  void aSendNotAnsweredInTimeHasAnUnknownOutcomeAndItsRetryGetsTheOriginalSent() throws Exception {
    String conv = "d:ann:dan";
    TestProbe<ServerFrame> answers = testKit.createTestProbe();
    ActorRef<Object> session = session(answers.getRef());
    session.tell(send(conv, "first"));
    assertEquals(1, sent(answers));

    // The write stays held past the edge's wait: as a node that died mid-write, or a slow one.
    holdNextWrite(conv, session, "stuck");
    ServerFrame.Error unknown = answers.expectMessageClass(ServerFrame.Error.class, WAIT);
    assertEquals("internal", unknown.code());
    assertTrue(unknown.message().contains("retry with the same cid"), unknown.message());
    // It was taken in time, so it is stored after all: `unavailable` would have been a lie.
    gate.countDown();
    Await.until(() -> lastSeq(conv), seq -> seq == 2, WAIT, "the held post stored");
    session.tell(send(conv, "stuck"));
    assertEquals(2, sent(answers));
  }
}
