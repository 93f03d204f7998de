package io.parley.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.testing.EntityTestCluster;
import io.parley.testing.JournalFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  private List<Object> events(int from) {
    return fixture.events().subList(from, fixture.events().size()).stream().map(e -> e.read(serialization)).toList();
  }

  @Test
  void theStoredEventsReplayToTheStoredState() throws Exception {
    kit = WriteUserJournalFixture.kit(testKit);
    kit.persistenceTestKit().persistForRecovery(fixture.persistenceId(), events(0));
    kit.restart();
    assertTheStoredState();
  }

  @Test
  void theStoredSnapshotAndTheEventsAfterItReplayToTheStoredState() throws Exception {
    kit = WriteUserJournalFixture.kit(testKit);
    long at = fixture.snapshotSeqNr();
    kit.snapshotTestKit()
        .orElseThrow()
        .persistForRecovery(
            fixture.persistenceId(), List.of(Pair.create(SnapshotMeta.create(at), fixture.snapshot().read(serialization))));
    // The events the snapshot covers are replaced by a profile change that would show if replayed.
    List<Object> journal = new ArrayList<>();
    for (long seq = 1; seq <= at; seq++) journal.add(new UserEntity.ProfileUpdated("not from the snapshot", null));
    journal.addAll(events((int) at));
    kit.persistenceTestKit().persistForRecovery(fixture.persistenceId(), journal);
    kit.restart();
    assertTheStoredState();
  }

  private void assertTheStoredState() throws Exception {
    assertEquals(
        fixture.state().tree(),
        JournalFixture.Stored.of(serialization, kit.getState()).tree(),
        "the replayed state, as it would be snapshotted");
    UserEntity.Profile profile = kit.<UserEntity.Profile>runCommand(UserEntity.GetProfile::new).reply();
    assertEquals(new UserEntity.Profile(true, "Fixy", "https://example.org/fixy.png"), profile);
    assertTrue(kit.<UserEntity.TokenStatus>runCommand(r -> new UserEntity.CheckToken("tok-1", r)).reply().revoked());
    assertEquals(
        Map.of(WriteUserJournalFixture.GROUP, 5L),
        kit.<UserEntity.Conversations>runCommand(UserEntity.GetConversations::new).reply().reads(),
        "the group with its read marker; the direct conversation was unlinked");
  }
}
