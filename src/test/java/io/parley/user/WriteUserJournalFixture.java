package io.parley.user;

import io.parley.testing.EntityTestCluster;
import io.parley.testing.JournalFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.testkit.SnapshotMeta;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;

/**
 * Records a user entity's journal (every kind of event it stores), its last snapshot and its
 * replayed state as this build stores them, into {@code src/test/resources/journal-fixtures/}. Run
 * once, on 6 Dec 2026, before the user entity's state was split (issue 24); the fixture is checked
 * in and never rewritten ({@link UserJournalReplayTest}). Run it as {@code WriteJournalFixture}
 * says, with this class's name.
 */
public final class WriteUserJournalFixture {
  static final String USER = "fixtureuser";
  static final String GROUP = "g:fixture20261206";
  static final String DIRECT = "d:fixtureuser:zed";
  static final String RESOURCE = "/journal-fixtures/user-2026-12-06.json";
  static final String PID =
      org.apache.pekko.persistence.typed.PersistenceId.of(UserEntity.ENTITY_KEY.name(), USER).id();
  // 1 Jan 2100: a revoked token that stays in the state whenever the test runs.
  static final long FAR_EXPIRY = 4_102_444_800_000L;
  static final int SNAPSHOT_EVERY = 5;

  private WriteUserJournalFixture() {}

  static EventSourcedBehaviorTestKit<UserEntity.Command, UserEntity.Event, UserEntity.State> kit(
      ActorTestKit testKit) {
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        UserEntities.create(
            USER,
            SNAPSHOT_EVERY,
            ClusterSharding.get(testKit.system()),
            new io.parley.conversation.UserNotices(ClusterSharding.get(testKit.system())),
            io.parley.notifications.NotificationSink.DISABLED),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
  }

  /** Read markers and contact changes are forwarded to conversations and users: both reachable. */
  static void startConversations(ActorTestKit testKit) {
    UserEntities.init(
        testKit.system(),
        100,
        new io.parley.conversation.UserNotices(ClusterSharding.get(testKit.system())),
        io.parley.notifications.NotificationSink.DISABLED);
    io.parley.conversation.ConversationEntity.init(
        testKit.system(),
        new io.parley.conversation.ConversationSettings(
            1000,
            1000,
            2,
            java.time.Duration.ofSeconds(10),
            new io.parley.conversation.ConversationSettings.Backoff(
                java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(30), 0),
            5000,
            16,
            new io.parley.conversation.ConversationSettings.Backoff(
                java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(10), 0.2)));
  }

  public static void main(String[] args) throws Exception {
    ActorTestKit testKit = EntityTestCluster.start();
    try {
      startConversations(testKit);
      var kit = kit(testKit);
      kit.<UserEntity.RegisterReply>runCommand(r -> new UserEntity.Register("hash-v1", "Fix", r));
      kit.<UserEntity.LinkReply>runCommand(
          r -> new UserEntity.LinkConversation(DIRECT, List.of("zed"), r));
      kit.<UserEntity.LinkReply>runCommand(
          r -> new UserEntity.LinkConversation(GROUP, List.of(), r));
      kit.<UserEntity.ReadReply>runCommand(r -> new UserEntity.MarkRead(GROUP, 5, "phone", r));
      kit.<org.apache.pekko.Done>runCommand(
          r -> new UserEntity.AdvanceCursors("phone", Map.of(GROUP, 7L, DIRECT, 2L), r));
      kit.<org.apache.pekko.Done>runCommand(
          r -> new UserEntity.ChangeContact("zed", Contacts.Change.FRIEND_ADDED, r));
      kit.<org.apache.pekko.Done>runCommand(
          r -> new UserEntity.ChangeContact("yan", Contacts.Change.BLOCKED, r));
      kit.<UserEntity.Profile>runCommand(
          r -> new UserEntity.UpdateProfile("Fixy", "https://example.org/fixy.png", r));
      kit.<org.apache.pekko.Done>runCommand(
          r -> new UserEntity.RevokeToken("tok-1", FAR_EXPIRY, r));
      kit.<GroupConsent.Answer>runCommand(
          r -> new UserEntity.ConsentToGroup("zed", "g:other1", true, r));
      TestProbe<io.parley.push.Push> session = TestProbe.create(testKit.system());
      kit.runCommand(new UserEntity.Attach("phone", "tok-2", session.getRef()));
      kit.runCommand(new UserEntity.Detach(session.getRef()));
      kit.runCommand(new UserEntity.UnlinkConversation(DIRECT, null));

      Serialization serialization = JournalFixture.serialization(testKit.system());
      String pid = PID;
      List<Object> stored = kit.persistenceTestKit().persistedInStorage(pid);
      List<Pair<SnapshotMeta, Object>> snapshots =
          kit.snapshotTestKit().orElseThrow().persistedInStorage(pid);
      Pair<SnapshotMeta, Object> last = snapshots.get(snapshots.size() - 1);
      JournalFixture fixture =
          new JournalFixture(
              pid,
              stored.stream().map(e -> JournalFixture.Stored.of(serialization, e)).toList(),
              last.first().sequenceNr(),
              JournalFixture.Stored.of(serialization, last.second()),
              JournalFixture.Stored.of(serialization, kit.getState()));
      Path out = Path.of("src/test/resources" + RESOURCE);
      Files.writeString(out, fixture.toJson());
      System.out.println(
          "Wrote "
              + out
              + ": "
              + stored.size()
              + " events "
              + stored.stream().map(e -> e.getClass().getSimpleName()).toList()
              + ", a snapshot at seq "
              + last.first().sequenceNr());
    } finally {
      testKit.shutdownTestKit();
    }
  }
}
