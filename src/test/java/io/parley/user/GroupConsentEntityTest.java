package io.parley.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationSettings;
import io.parley.testing.EntityTestCluster;
import io.parley.user.GroupConsent.Answer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The user entity's side of group consent, on the in-memory journal with serialization checks. */
class GroupConsentEntityTest {
  private static final int CAP = 2;
  private static ActorTestKit testKit;
  private static ClusterSharding sharding;

  @BeforeAll
  static void startCluster() {
    testKit = EntityTestCluster.start();
    sharding = ClusterSharding.get(testKit.system());
    UserEntities.init(
        testKit.system(),
        100,
        new io.parley.conversation.UserNotices(ClusterSharding.get(testKit.system())),
        io.parley.notifications.NotificationSink.DISABLED);
    // A block tells the blocker's direct conversation with the other.
    ConversationEntity.init(
        testKit.system(), ConversationSettings.from(testKit.system().settings().config()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<UserEntity.Command, UserEntity.Event, UserEntity.State>
      kit(String user, boolean registered) {
    var kit =
        EventSourcedBehaviorTestKit.<UserEntity.Command, UserEntity.Event, UserEntity.State>create(
            testKit.system(),
            UserEntities.create(
                user,
                100,
                UserDeps.from(
                        testKit.system(),
                        sharding,
                        new io.parley.conversation.UserNotices(sharding),
                        io.parley.notifications.NotificationSink.DISABLED)
                    .with(new GroupConsent(CAP))),
            EventSourcedBehaviorTestKit.enabledSerializationSettings());
    if (registered)
      kit.<UserEntity.RegisterReply>runCommand(r -> new UserEntity.Register("hash", user, r));
    return kit;
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<
          UserEntity.Command, UserEntity.Event, UserEntity.State, Answer>
      consent(
          EventSourcedBehaviorTestKit<UserEntity.Command, UserEntity.Event, UserEntity.State> kit,
          String inviter,
          String conv,
          boolean reserve) {
    return kit.runCommand(r -> new UserEntity.ConsentToGroup(inviter, conv, reserve, r));
  }

  @Test
  void anUnknownUserIsNeverAddable() {
    var answer = consent(kit("nobody", false), "ann", "g:1", true);
    assertEquals(Answer.UNKNOWN_USER, answer.reply());
    assertTrue(answer.hasNoEvents());
  }

  @Test
  void aUserWhoBlocksTheInviterIsNotAddableByThemOnly() {
    var kit = kit("bea", true);
    kit.<Done>runCommand(r -> new UserEntity.ChangeContact("mal", Contacts.Change.BLOCKED, r));
    var blocked = consent(kit, "mal", "g:1", true);
    assertEquals(Answer.BLOCKS_INVITER, blocked.reply());
    assertTrue(blocked.hasNoEvents());
    assertEquals(Answer.ADDABLE, consent(kit, "ann", "g:1", true).reply());
  }

  @Test
  void addsCountOncePerGroupUpToTheCapAndSurviveARestart() {
    var kit = kit("cal", true);
    var asked = consent(kit, "ann", "g:1", false);
    assertEquals(Answer.ADDABLE, asked.reply());
    assertTrue(asked.hasNoEvents(), "asking without reserving spends nothing");

    var first = consent(kit, "ann", "g:1", true);
    assertEquals(Answer.ADDABLE, first.reply());
    assertInstanceOf(UserEntity.AddedToGroup.class, first.event());
    assertTrue(
        consent(kit, "ann", "g:1", true).hasNoEvents(), "a retry for the same group counts once");
    assertEquals(Answer.ADDABLE, consent(kit, "bob", "g:2", true).reply());

    var over = consent(kit, "bob", "g:3", true);
    assertEquals(Answer.OVER_HOURLY_CAP, over.reply());
    assertTrue(over.hasNoEvents());

    kit.restart();
    assertEquals(
        Answer.OVER_HOURLY_CAP, consent(kit, "dan", "g:4", false).reply(), "the count is stored");
    assertEquals(Answer.ADDABLE, consent(kit, "ann", "g:1", true).reply());

    // A group the user is in already is no new add.
    kit.<UserEntity.LinkReply>runCommand(r -> new UserEntity.LinkConversation("g:5", List.of(), r));
    var member = consent(kit, "ann", "g:5", true);
    assertEquals(Answer.ADDABLE, member.reply());
    assertTrue(member.hasNoEvents());
  }

  @Test
  void addsOlderThanAnHourNoLongerCount() {
    long now = System.currentTimeMillis();
    long earlier = now - Duration.ofMinutes(61).toMillis();
    var adds = new GroupConsent.Adds(Map.of("g:old", earlier, "g:new", now - 1000));
    assertEquals(1, adds.since(now));
    assertEquals(
        Map.of("g:new", now - 1000, "g:next", now),
        adds.plus("g:next", now).recent(),
        "old adds are dropped");
  }
}
