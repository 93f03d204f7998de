package io.parley.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationSettings;
import io.parley.push.Push;
import io.parley.testing.EntityTestCluster;
import io.parley.user.Contacts.Answer;
import io.parley.user.Contacts.Change;
import io.parley.user.Contacts.Op;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The user entity's contacts, presence and token revocation on the in-memory journal, with
 * serialization checks on, and real user entities beside it in a one-node cluster (presence goes to
 * friends' entities).
 */
class UserEntityTest {
  private static final Duration ASK = Duration.ofSeconds(20);
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
    ConversationEntity.init(
        testKit.system(), ConversationSettings.from(testKit.system().settings().config()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<UserEntity.Command, UserEntity.Event, UserEntity.State>
      kit(String user) {
    var kit =
        EventSourcedBehaviorTestKit.<UserEntity.Command, UserEntity.Event, UserEntity.State>create(
            testKit.system(),
            UserEntities.create(
                user,
                100,
                sharding,
                new io.parley.conversation.UserNotices(sharding),
                io.parley.notifications.NotificationSink.DISABLED),
            EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.<UserEntity.RegisterReply>runCommand(r -> new UserEntity.Register("hash", user, r));
    return kit;
  }

  @Test
  void contactStepsAreIdempotentAndTheStateSurvivesARestart() {
    var kit = kit("una");
    var request = kit.<Answer>runCommand(r -> new UserEntity.ContactFrom("vic", Op.REQUEST, r));
    assertEquals(Answer.PENDING, request.reply());
    assertEquals(new UserEntity.ContactsChanged("vic", Change.REQUEST_RECEIVED), request.event());
    var retried = kit.<Answer>runCommand(r -> new UserEntity.ContactFrom("vic", Op.REQUEST, r));
    assertEquals(Answer.PENDING, retried.reply());
    assertTrue(retried.hasNoEvents(), "a retry stores nothing");

    // Una asked Wes first; Wes asking Una is an accept.
    kit.<Done>runCommand(r -> new UserEntity.ChangeContact("wes", Change.REQUEST_SENT, r));
    var crossed = kit.<Answer>runCommand(r -> new UserEntity.ContactFrom("wes", Op.REQUEST, r));
    assertEquals(Answer.FRIENDS, crossed.reply());
    assertEquals(new UserEntity.ContactsChanged("wes", Change.FRIEND_ADDED), crossed.event());

    // Una blocks Vic: his pending request goes, and his next one is ignored without a trace.
    var blocked = kit.<Done>runCommand(r -> new UserEntity.ChangeContact("vic", Change.BLOCKED, r));
    assertEquals(1, blocked.events().size());
    assertTrue(
        kit.<Done>runCommand(r -> new UserEntity.ChangeContact("vic", Change.BLOCKED, r))
            .hasNoEvents());
    var ignored = kit.<Answer>runCommand(r -> new UserEntity.ContactFrom("vic", Op.REQUEST, r));
    assertEquals(Answer.IGNORED, ignored.reply());
    assertTrue(ignored.hasNoEvents());
    var link =
        kit.<UserEntity.LinkReply>runCommand(
            r -> new UserEntity.LinkConversation("d:una:vic", List.of("vic", "wes"), r));
    assertEquals(new UserEntity.LinkReply(true, Set.of("vic")), link.reply());

    var lists = kit.<Contacts.View>runCommand(UserEntity.GetContacts::new).reply();
    assertEquals(new Contacts.View(List.of("wes"), List.of(), List.of(), List.of("vic")), lists);

    kit.<Done>runCommand(
        r -> new UserEntity.RevokeToken("t1", System.currentTimeMillis() + 60_000, r));
    kit.<UserEntity.Profile>runCommand(
        r -> new UserEntity.UpdateProfile("Una", "https://img.example/u.png", r));
    UserEntity.State before = kit.getState();
    kit.restart();
    assertEquals(before, kit.getState());
    assertTrue(
        kit.<UserEntity.TokenStatus>runCommand(r -> new UserEntity.CheckToken("t1", r))
            .reply()
            .revoked());
    assertEquals(
        new UserEntity.Profile(true, "Una", "https://img.example/u.png"),
        kit.<UserEntity.Profile>runCommand(UserEntity.GetProfile::new).reply());
  }

  @Test
  void anUnknownUserAnswersUnknownAndStoresNothing() {
    var kit =
        EventSourcedBehaviorTestKit.<UserEntity.Command, UserEntity.Event, UserEntity.State>create(
            testKit.system(),
            UserEntities.create(
                "nobody",
                100,
                sharding,
                new io.parley.conversation.UserNotices(sharding),
                io.parley.notifications.NotificationSink.DISABLED),
            EventSourcedBehaviorTestKit.enabledSerializationSettings());
    for (Op op : Op.values()) {
      var result = kit.<Answer>runCommand(r -> new UserEntity.ContactFrom("xan", op, r));
      assertEquals(Answer.UNKNOWN_USER, result.reply());
      assertTrue(result.hasNoEvents());
    }
    assertEquals(
        false, kit.<UserEntity.Profile>runCommand(UserEntity.GetProfile::new).reply().exists());
  }

  @Test
  void presenceGoesToFriendsOnFirstAttachAndLastDetachOnly() throws Exception {
    var kit = kit("yan");
    String friend = "zed";
    // Zed: registered, a friend of Yan, with one session of his own.
    var zed = sharding.entityRefFor(UserEntity.ENTITY_KEY, friend);
    zed.<UserEntity.RegisterReply>ask(r -> new UserEntity.Register("hash", friend, r), ASK)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    zed.<Done>ask(r -> new UserEntity.ChangeContact("yan", Change.FRIEND_ADDED, r), ASK)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    TestProbe<Push> zedSession = testKit.createTestProbe(Push.class);
    zed.tell(new UserEntity.Attach("phone", "zed-token", zedSession.ref()));
    kit.<Done>runCommand(r -> new UserEntity.ChangeContact(friend, Change.FRIEND_ADDED, r));
    // The new friend hears Yan's presence at once: offline, never seen.
    assertEquals(new Push.PresenceChanged("yan", "offline", null), zedSession.receiveMessage());

    TestProbe<Push> phone = testKit.createTestProbe(Push.class);
    TestProbe<Push> laptop = testKit.createTestProbe(Push.class);
    kit.runCommand(new UserEntity.Attach("phone", "t-phone", phone.ref()));
    kit.runCommand(new UserEntity.Attach("laptop", "t-laptop", laptop.ref()));
    kit.runCommand(new UserEntity.Attach("phone", "t-phone", phone.ref())); // a refresh
    assertEquals(new Push.PresenceChanged("yan", "online", null), zedSession.receiveMessage());

    assertTrue(kit.runCommand(new UserEntity.Detach(phone.ref())).hasNoEvents(), "laptop still on");
    var lastLeft = kit.runCommand(new UserEntity.Detach(laptop.ref()));
    long lastSeen = assertInstanceOf(UserEntity.WentOffline.class, lastLeft.event()).ts();
    // The next frame after "online" is this "offline": the refresh and the first detach said
    // nothing.
    assertEquals(new Push.PresenceChanged("yan", "offline", lastSeen), zedSession.receiveMessage());
  }

  @Test
  void aRevokedTokenClosesItsSessionsAndCannotAttachAgain() {
    var kit = kit("ari");
    TestProbe<Push> phone = testKit.createTestProbe(Push.class);
    TestProbe<Push> laptop = testKit.createTestProbe(Push.class);
    kit.runCommand(new UserEntity.Attach("phone", "t-phone", phone.ref()));
    kit.runCommand(new UserEntity.Attach("laptop", "t-laptop", laptop.ref()));
    var revoked =
        kit.<Done>runCommand(
            r -> new UserEntity.RevokeToken("t-phone", System.currentTimeMillis() + 60_000, r));
    assertInstanceOf(UserEntity.LoggedOut.class, revoked.event());
    // Every session hears it; only the one with that token id acts on it.
    assertEquals(new Push.TokenRevoked("t-phone"), phone.receiveMessage());
    assertEquals(new Push.TokenRevoked("t-phone"), laptop.receiveMessage());

    TestProbe<Push> again = testKit.createTestProbe(Push.class);
    kit.runCommand(new UserEntity.Attach("phone", "t-phone", again.ref()));
    assertEquals(new Push.TokenRevoked("t-phone"), again.receiveMessage());
    assertEquals(
        false,
        kit.<UserEntity.TokenStatus>runCommand(r -> new UserEntity.CheckToken("t-laptop", r))
            .reply()
            .revoked());
  }

  @Test
  void shardingsStopMessageTellsEverySessionToAttachAgainAndStops() {
    var ida =
        testKit.spawn(
            UserEntities.create(
                "ida",
                100,
                sharding,
                new io.parley.conversation.UserNotices(sharding),
                io.parley.notifications.NotificationSink.DISABLED));
    TestProbe<Push> phone = testKit.createTestProbe(Push.class);
    TestProbe<Push> laptop = testKit.createTestProbe(Push.class);
    ida.tell(new UserEntity.Attach("phone", "t-phone", phone.ref()));
    ida.tell(new UserEntity.Attach("laptop", "t-laptop", laptop.ref()));

    ida.tell(UserEntity.Stop.INSTANCE);

    // Its next incarnation (on another node, say) knows no sessions: each attaches again.
    assertEquals(Push.AttachAgain.INSTANCE, phone.receiveMessage());
    assertEquals(Push.AttachAgain.INSTANCE, laptop.receiveMessage());
    testKit.createTestProbe().expectTerminated(ida);
  }

  @Test
  void revokedTokensAreForgottenOnceExpired() {
    RevokedTokens tokens =
        RevokedTokens.NONE.plus("a", 100, 50).plus("b", 300, 150).plus("c", 120, 160);
    assertEquals(
        Map.of("b", 300L),
        tokens.expiries(),
        "a expired before b's revocation; c was born expired");
  }

  @Test
  void anEntryRepairsALostListingButNotForWhomItRemoves() {
    var kit = kit("xia");
    var body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    // An entry of a group Xia's list lacks: its "list it" was lost; the entry lists it.
    var entry =
        new io.parley.timeline.Entry("g:lost", 7, "yan", "c1", "text", body.textNode("hi"), 1L);
    var repaired = kit.runCommand(new UserEntity.Deliver(entry));
    assertEquals(List.of(new UserEntity.ConversationLinked("g:lost")), repaired.events());
    assertTrue(kit.runCommand(new UserEntity.Deliver(entry)).hasNoEvents(), "listed once");
    // The entry that removes her (she is told of it) lists nothing.
    var kicked =
        new io.parley.timeline.Entry(
            "g:gone",
            9,
            "yan",
            "s1",
            "system",
            body.objectNode().put("event", "kicked").put("user", "xia").put("by", "yan"),
            2L);
    assertTrue(kit.runCommand(new UserEntity.Deliver(kicked)).hasNoEvents());
    // The same for a direct conversation (its handshake lists it too, on its first post).
    var direct =
        new io.parley.timeline.Entry("d:xia:yan", 1, "yan", "c2", "text", body.textNode("hi"), 3L);
    assertEquals(
        List.of(new UserEntity.ConversationLinked("d:xia:yan")),
        kit.runCommand(new UserEntity.Deliver(direct)).events());
  }

  @Test
  void anUnlinkWithAReplyIsAnsweredOnceStoredAndWhenThereIsNothingToDo() {
    var kit = kit("zed");
    kit.<UserEntity.LinkReply>runCommand(
        r -> new UserEntity.LinkConversation("g:club", List.of(), r));
    var unlinked = kit.<Done>runCommand(r -> new UserEntity.UnlinkConversation("g:club", r));
    assertEquals(Done.getInstance(), unlinked.reply());
    assertEquals(List.of(new UserEntity.ConversationUnlinked("g:club")), unlinked.events());
    var again = kit.<Done>runCommand(r -> new UserEntity.UnlinkConversation("g:club", r));
    assertEquals(Done.getInstance(), again.reply());
    assertTrue(again.hasNoEvents());
  }
}
