package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.parley.testing.EntityTestCluster;
import io.parley.testing.JournalFixture;
import io.parley.user.UserEntity;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.testkit.SnapshotMeta;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A group's journal and snapshot exactly as the build of 6 Dec 2026 stored them (bytes, serializer
 * and manifest, recorded by {@link WriteJournalFixture} and never rewritten) replay to the same
 * state on today's build: from the events alone and from the snapshot plus the events after it.
 * A change to the stored events or state (issue 24's typed events) must keep this green, with an
 * event adapter or a Jackson migration if the classes move.
 */
class OldJournalReplayTest {
  private static ActorTestKit testKit;
  private static JournalFixture fixture;
  private static Serialization serialization;
  private EventSourcedBehaviorTestKit<ConversationEntity.Command, ConversationEntity.Event, TimelineState> kit;

  @BeforeAll
  static void start() throws Exception {
    testKit = EntityTestCluster.start();
    UserEntity.init(testKit.system(), 100);
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

  private List<Object> events(int from) {
    return fixture.events().subList(from, fixture.events().size()).stream().map(e -> e.read(serialization)).toList();
  }

  @Test
  void theStoredEventsReplayToTheStoredState() throws Exception {
    kit = WriteJournalFixture.kit(testKit);
    kit.persistenceTestKit().persistForRecovery(fixture.persistenceId(), events(0));
    kit.restart();
    assertTheStoredState();
  }

  @Test
  void theStoredSnapshotAndTheEventsAfterItReplayToTheStoredState() throws Exception {
    kit = WriteJournalFixture.kit(testKit);
    long at = fixture.snapshotSeqNr();
    kit.snapshotTestKit()
        .orElseThrow()
        .persistForRecovery(
            fixture.persistenceId(), List.of(Pair.create(SnapshotMeta.create(at), fixture.snapshot().read(serialization))));
    // Recovery must start from the snapshot: the events it covers are replaced here by others
    // (ben's first post, over and over) that would replay to a different state.
    List<Object> journal = new java.util.ArrayList<>();
    Object other = events(1).get(0);
    for (long seq = 1; seq <= at; seq++) journal.add(other);
    journal.addAll(events((int) at));
    kit.persistenceTestKit().persistForRecovery(fixture.persistenceId(), journal);
    kit.restart();
    assertTheStoredState();
  }

  private void assertTheStoredState() throws Exception {
    TimelineState state = kit.getState();
    assertEquals(
        fixture.state().tree(),
        JournalFixture.Stored.of(serialization, state.snapshot()).tree(),
        "the replayed state, as it would be snapshotted");
    // The same, as members see it: the title changed by the admin, the last entry and its seq.
    Replies.SummaryReply summary = kit.<Replies.SummaryReply>runCommand(r -> new ConversationEntity.GetSummary("ann", r)).reply();
    Replies.Summary s = assertInstanceOf(Replies.Summary.class, summary);
    assertEquals("plans for may", s.title());
    assertEquals(13, s.lastSeq());
    assertEquals("just us", s.lastEntry().body().asText());
    // Who is still a member: the kicked and the departed are not.
    assertInstanceOf(
        Replies.Rejected.class,
        kit.<Replies.SummaryReply>runCommand(r -> new ConversationEntity.GetSummary("cat", r)).reply());
    assertInstanceOf(
        Replies.Rejected.class,
        kit.<Replies.SummaryReply>runCommand(r -> new ConversationEntity.GetSummary("dan", r)).reply());
  }
}
