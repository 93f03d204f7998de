package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.atrest.Sealed;
import io.parley.conversation.Replies.Posted;
import io.parley.conversation.Replies.Summary;
import io.parley.testing.EntityTestCluster;
import io.parley.testing.TestKeys;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A conversation's journal and snapshots hold only encrypted rows, under the test key, and the
 * entity replays them (and the plain rows of builds before encryption, mixed in) to the same state:
 * members see no difference.
 */
class EncryptedTimelineTest {
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = EntityTestCluster.start();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<
          ConversationEntity.Command, ConversationEntity.Event, TimelineState>
      kit(String room) {
    ConversationSettings settings =
        new ConversationSettings(
            1000,
            3,
            2,
            Duration.ofSeconds(10),
            new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), 0),
            5000,
            16,
            new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        ConversationEntity.create(room, settings, ClusterSharding.get(testKit.system())),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
  }

  private static long post(
      EventSourcedBehaviorTestKit<
              ConversationEntity.Command, ConversationEntity.Event, TimelineState>
          kit,
      String cid) {
    Replies.PostReply reply =
        kit.<Replies.PostReply>runCommand(
                r ->
                    new ConversationEntity.Post(
                        "ann", cid, "text", TextNode.valueOf("body of " + cid), r))
            .reply();
    return assertInstanceOf(Posted.class, reply).seq();
  }

  private static Summary summary(
      EventSourcedBehaviorTestKit<
              ConversationEntity.Command, ConversationEntity.Event, TimelineState>
          kit) {
    return assertInstanceOf(
        Summary.class,
        kit.<Replies.SummaryReply>runCommand(r -> new ConversationEntity.GetSummary("ann", r))
            .reply());
  }

  @Test
  void everyEventAndSnapshotIsStoredEncryptedAndReplaysToTheSameState() {
    String room = "r:sealed-" + System.nanoTime();
    String pid = ConversationEntity.persistenceId(room).id();
    var kit = kit(room);
    for (int i = 1; i <= 7; i++) assertEquals(i, post(kit, "c" + i));

    List<Object> journal = kit.persistenceTestKit().persistedInStorage(pid);
    assertEquals(7, journal.size());
    for (Object row : journal) {
      assertEquals(TestKeys.ID, assertInstanceOf(Sealed.class, row).key());
    }
    List<?> snapshots = kit.snapshotTestKit().orElseThrow().persistedInStorage(pid);
    assertEquals(2, snapshots.size(), "snapshots at seq 3 and 6");
    for (Object row : snapshots) {
      var snapshot = (org.apache.pekko.japi.Pair<?, ?>) row;
      assertInstanceOf(Sealed.class, snapshot.second());
    }

    Summary before = summary(kit);
    kit.restart();
    Summary after = summary(kit);
    assertEquals(before, after);
    assertEquals(7, after.lastSeq());
    assertEquals("body of c7", after.lastEntry().body().asText());
    // The dedup window came back too: a retry gets its original seq.
    assertEquals(5, post(kit, "c5"));
  }

  @Test
  void plainEventsOfOlderBuildsAndEncryptedOnesReplayTogether() {
    String room = "r:mixed-" + System.nanoTime();
    String pid = ConversationEntity.persistenceId(room).id();
    var kit = kit(room);
    kit.persistenceTestKit()
        .persistForRecovery(
            pid,
            List.of(
                new Timeline.Posted("ann", "old1", TextNode.valueOf("plain one"), 1L),
                new ConversationEntity.EntryAppended(
                    "ann", "old2", "text", TextNode.valueOf("plain two"), 2L)));
    kit.restart();
    assertEquals(3, post(kit, "new3"));
    assertInstanceOf(Sealed.class, kit.persistenceTestKit().persistedInStorage(pid).get(2));

    kit.restart();
    Summary s = summary(kit);
    assertEquals(3, s.lastSeq());
    assertEquals("body of new3", s.lastEntry().body().asText());
    assertEquals(2, post(kit, "old2"), "the plain entries are in the dedup window");
  }
}
