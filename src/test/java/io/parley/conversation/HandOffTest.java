package io.parley.conversation;

import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import io.parley.testing.Await;
import io.parley.testing.EntityTestCluster;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.StorageFailure;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A shard moves (a rebalance, a rolling restart) while one of its conversations cannot recover
 * because Cassandra is down: the hand-off must finish as soon as the conversation has recovered,
 * not after sharding's {@code handoff-timeout} (60 s), during which every message to the shard's
 * conversations is held. A chaos run saw exactly that: one conversation took no sends for 46 s.
 */
class HandOffTest {
  // Far below the hand-off's 55 s before sharding stops an entity that ignores its stop message.
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String CONV = "d:handoff-a:handoff-b";
  private final AtomicInteger failedReads = new AtomicInteger();
  private volatile boolean readsFail = true;
  private ActorTestKit testKit;

  @BeforeEach
  void start() {
    testKit = EntityTestCluster.start();
    String persistenceId = ConversationEntity.persistenceId(CONV).id();
    PersistenceTestKit.create(testKit.system())
        .withPolicy(
            (id, operation) -> {
              boolean read = !(operation instanceof WriteEvents); // events, highest seq
              if (readsFail && read && id.equals(persistenceId)) {
                failedReads.incrementAndGet();
                return StorageFailure.create(new NoNodeAvailableException());
              }
              return ProcessingSuccess.getInstance();
            });
    // Restarts after a failed recovery every 50-100 ms, as the node's do every 0.5-3 s.
    ConversationSettings node = ConversationSettings.from(testKit.system().settings().config());
    ConversationEntity.init(
        testKit.system(),
        new ConversationSettings(
            node.dedupWindow(),
            node.snapshotEvery(),
            node.keepSnapshots(),
            node.linkTimeout(),
            node.linkRetry(),
            node.maxGroupSize(),
            node.maxPostsPerWrite(),
            new ConversationSettings.Backoff(Duration.ofMillis(50), Duration.ofMillis(100), 0)));
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aShardHandedOffWhileItsConversationFailsToRecoverMovesOnceTheConversationRecovers()
      throws Exception {
    // A send starts the conversation, whose recovery then fails again and again.
    ClusterSharding.get(testKit.system())
        .entityRefFor(ConversationEntity.ENTITY_KEY, CONV)
        .tell(
            new ConversationEntity.GetSummary(
                "handoff-a", testKit.<Replies.SummaryReply>createTestProbe().getRef()));
    awaitFailedReads(3);

    // The region hands off every shard (as in a rolling restart) while recoveries still fail.
    ActorRef region =
        org.apache.pekko.cluster.sharding.ClusterSharding.get(Adapter.toClassic(testKit.system()))
            .shardRegion(ConversationEntity.ENTITY_KEY.name());
    TestKit watcher = new TestKit(Adapter.toClassic(testKit.system()));
    watcher.watch(region);
    region.tell(ShardRegion.gracefulShutdownInstance(), ActorRef.noSender());
    // Several recovery attempts see the stop message come and go while they fail.
    awaitFailedReads(failedReads.get() + 5);

    readsFail = false; // Cassandra is back: the conversation recovers, then must stop.
    watcher.expectTerminated(WAIT, region);
  }

  private void awaitFailedReads(int atLeast) throws Exception {
    Await.until(failedReads::get, n -> n >= atLeast, WAIT, atLeast + " failed recovery reads");
  }
}
