package io.parley.jmh;

import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationSettings;
import io.parley.conversation.Replies;
import io.parley.testing.EntityTestCluster;
import io.parley.user.UserEntities;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The conversation entity's command path on Pekko's in-memory journal: {@value #BATCH} posts told
 * at once to one live entity, the replies counted by an actor, so the figure is the entity's own
 * cost per post (dedup lookup, persist, state append, fan-out, reply) without a round trip per
 * post. Three paths: a new post in a direct conversation (its fan-out goes to the two members' user
 * entities, which push to their sessions and store nothing), a new post in a room (fan-out to no
 * subscribed node), and a retried post (answered from the full dedup window, nothing persisted).
 * How to run: docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx3g"})
public class ConversationCommandBenchmark {
  static final int BATCH = 1000;

  private static final Config JOURNAL =
      ConfigFactory.parseString(
          """
          pekko.loglevel = WARNING
          pekko.persistence.journal.plugin = "pekko.persistence.journal.inmem"
          pekko.persistence.snapshot-store.plugin = "pekko.persistence.snapshot-store.local"
          pekko.persistence.snapshot-store.local.dir = "target/jmh-snapshots"
          """);

  private static final TextNode BODY = TextNode.valueOf("x".repeat(100));

  private ActorTestKit testKit;
  private ActorRef<ConversationEntity.Command> direct;
  private ActorRef<ConversationEntity.Command> room;
  private ActorRef<Replies.PostReply> counter;
  private volatile CountDownLatch replies;
  private String alice;
  private long n;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    testKit = EntityTestCluster.start(JOURNAL);
    ClusterSharding sharding = ClusterSharding.get(testKit.system());
    UserEntities.init(
        testKit.system(),
        100,
        new io.parley.conversation.UserNotices(ClusterSharding.get(testKit.system())),
        io.parley.notifications.NotificationSink.DISABLED);
    String run = Long.toString(System.currentTimeMillis(), 36);
    String alice = "alice" + run, bob = "bob" + run;
    for (String user : new String[] {alice, bob}) {
      sharding
          .entityRefFor(UserEntity.ENTITY_KEY, user)
          .<UserEntity.RegisterReply>ask(
              r -> new UserEntity.Register("hash", user, r), Duration.ofSeconds(20))
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }
    var settings =
        new ConversationSettings(
            1000,
            1000,
            2,
            Duration.ofSeconds(10),
            new io.parley.conversation.ConversationSettings.Backoff(
                java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(30), 0),
            5000,
            16,
            new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    direct = testKit.spawn(ConversationEntity.create("d:" + alice + ":" + bob, settings, sharding));
    room = testKit.spawn(ConversationEntity.create("r:jmh" + run, settings, sharding));
    counter =
        testKit.spawn(
            Behaviors.receive(Replies.PostReply.class)
                .onAnyMessage(
                    r -> {
                      replies.countDown();
                      return Behaviors.same();
                    })
                .build());
    // Fill both dedup windows, so every post evicts an entry as in a long conversation.
    for (int i = 0; i < 2; i++) {
      posts(direct, alice, "warm" + i + "-", BATCH);
      posts(room, alice, "warm" + i + "-", BATCH);
    }
    this.alice = alice;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    testKit.shutdownTestKit();
  }

  private void posts(
      ActorRef<ConversationEntity.Command> conv, String from, String prefix, int count)
      throws Exception {
    replies = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      conv.tell(new ConversationEntity.Post(from, prefix + i, "text", BODY, counter));
    }
    if (!replies.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("replies missing");
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void newPostDirect() throws Exception {
    posts(direct, alice, "c" + n++ + "-", BATCH);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void newPostRoom() throws Exception {
    posts(room, alice, "c" + n++ + "-", BATCH);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void retriedPost() throws Exception {
    posts(room, alice, "warm1-", BATCH);
  }
}
