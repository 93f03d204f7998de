package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.parley.testing.EntityTestCluster;
import io.parley.testing.JournalFixture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A group's journal and snapshot exactly as the build of 6 Dec 2026 stored them (bytes, serializer
 * and manifest, recorded by {@link WriteJournalFixture} and never rewritten) replay to the same
 * state on today's build: from the events alone and from the snapshot plus the events after it. A
 * change to the stored events or state (issue 24's typed events) must keep this green, with an
 * event adapter or a Jackson migration if the classes move.
 */
class OldJournalReplayTest {
  private static ActorTestKit testKit;
  private static JournalFixture fixture;
  private static Serialization serialization;
  private EventSourcedBehaviorTestKit<
          ConversationEntity.Command, ConversationEntity.Event, TimelineState>
      kit;

  @BeforeAll
  static void start() throws Exception {
    testKit = EntityTestCluster.start();
    io.parley.user.UserEntities.init(
        testKit.system(),
        100,
        new io.parley.conversation.UserNotices(ClusterSharding.get(testKit.system())),
        io.parley.notifications.NotificationSink.DISABLED);
    fixture = JournalFixture.read(WriteJournalFixture.RESOURCE);
    serialization = JournalFixture.serialization(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void clear() {
    if (kit != null) kit.clear();
  }

  @Test
  void theStoredEventsReplayToTheStoredState() throws Exception {
    kit = WriteJournalFixture.kit(testKit);
    fixture.recoverFromEvents(kit, serialization);
    assertTheStoredState();
  }

  @Test
  void theStoredSnapshotAndTheEventsAfterItReplayToTheStoredState() throws Exception {
    kit = WriteJournalFixture.kit(testKit);
    // The events the snapshot covers become ben's first post, over and over.
    fixture.recoverFromSnapshot(kit, serialization, fixture.events(serialization, 1).get(0));
    assertTheStoredState();
  }

  private void assertTheStoredState() throws Exception {
    TimelineState state = kit.getState();
    assertEquals(
        fixture.state().tree(),
        JournalFixture.Stored.of(serialization, state.snapshot()).tree(),
        "the replayed state, as it would be snapshotted");
    // The same, as members see it: the title changed by the admin, the last entry and its seq.
    Replies.SummaryReply summary =
        kit.<Replies.SummaryReply>runCommand(r -> new ConversationEntity.GetSummary("ann", r))
            .reply();
    Replies.Summary s = assertInstanceOf(Replies.Summary.class, summary);
    assertEquals("plans for may", s.title());
    assertEquals(13, s.lastSeq());
    assertEquals("just us", s.lastEntry().body().asText());
    // Who is still a member: the kicked and the departed are not.
    assertInstanceOf(
        Replies.Rejected.class,
        kit.<Replies.SummaryReply>runCommand(r -> new ConversationEntity.GetSummary("cat", r))
            .reply());
    assertInstanceOf(
        Replies.Rejected.class,
        kit.<Replies.SummaryReply>runCommand(r -> new ConversationEntity.GetSummary("dan", r))
            .reply());
  }
}
