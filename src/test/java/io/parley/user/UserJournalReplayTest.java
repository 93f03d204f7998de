package io.parley.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.testing.EntityTestCluster;
import io.parley.testing.JournalFixture;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user's journal (every kind of event the user entity stores) and snapshot exactly as the build
 * of 6 Dec 2026 stored them ({@link WriteUserJournalFixture}) replay to the same state today, from
 * the events alone and from the snapshot. Splitting the user entity's state (issue 24) must keep
 * this green.
 */
class UserJournalReplayTest {
  private static ActorTestKit testKit;
  private static JournalFixture fixture;
  private static Serialization serialization;
  private EventSourcedBehaviorTestKit<UserEntity.Command, UserEntity.Event, UserEntity.State> kit;

  @BeforeAll
  static void start() throws Exception {
    testKit = EntityTestCluster.start();
    WriteUserJournalFixture.startConversations(testKit);
    fixture = JournalFixture.read(WriteUserJournalFixture.RESOURCE);
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
    kit = WriteUserJournalFixture.kit(testKit);
    fixture.recoverFromEvents(kit, serialization);
    assertTheStoredState();
  }

  @Test
  void theStoredSnapshotAndTheEventsAfterItReplayToTheStoredState() throws Exception {
    kit = WriteUserJournalFixture.kit(testKit);
    // The events the snapshot covers become a profile change that would show if replayed.
    fixture.recoverFromSnapshot(
        kit, serialization, new UserEntity.ProfileUpdated("not from the snapshot", null));
    assertTheStoredState();
  }

  private void assertTheStoredState() throws Exception {
    // The stored state as today's build reads it (the state was split into parts since: the
    // snapshot's shape changed, what it holds did not), against what the replay made.
    assertEquals(
        fixture.state().read(serialization),
        kit.getState(),
        "the replayed state equals the stored one");
    UserEntity.Profile profile =
        kit.<UserEntity.Profile>runCommand(UserEntity.GetProfile::new).reply();
    assertEquals(new UserEntity.Profile(true, "Fixy", "https://example.org/fixy.png"), profile);
    assertTrue(
        kit.<UserEntity.TokenStatus>runCommand(r -> new UserEntity.CheckToken("tok-1", r))
            .reply()
            .revoked());
    assertEquals(
        Map.of(WriteUserJournalFixture.GROUP, 5L),
        kit.<UserEntity.Conversations>runCommand(UserEntity.GetConversations::new).reply().reads(),
        "the group with its read marker; the direct conversation was unlinked");
  }
}
