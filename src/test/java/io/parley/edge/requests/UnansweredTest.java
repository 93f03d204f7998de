package io.parley.edge.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationSettings;
import io.parley.conversation.Replies;
import io.parley.conversation.UserNotices;
import io.parley.edge.budgets.SendGate;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.testing.Await;
import io.parley.testing.EntityTestCluster;
import io.parley.user.Contacts;
import io.parley.user.UserEntities;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the edge answers a request its entity does not answer within the ask timeout, through
 * sharding to real entities whose journal writes the test holds back (an entity stashes what it is
 * asked while it writes): a change gets {@code internal}, outcome unknown, since it may still take
 * effect (and here does, once the write is let go); a read gets {@code unavailable}: it stored
 * nothing.
 */
class UnansweredTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(1);
  private static ActorTestKit testKit;
  private static ClusterSharding sharding;
  private static Requests requests;
  private static Groups groups;
  private static People people;
  // Writes of the persistence ids it accepts wait for the gate; each counts down `reached`.
  private static volatile Predicate<String> holding = id -> false;
  private static volatile CountDownLatch gate = new CountDownLatch(0);
  private static volatile CountDownLatch reached = new CountDownLatch(0);

  @BeforeAll
  static void startCluster() throws Exception {
    testKit = EntityTestCluster.start();
    sharding = ClusterSharding.get(testKit.system());
    PersistenceTestKit.create(testKit.system())
        .withPolicy(
            (persistenceId, operation) -> {
              if (operation instanceof WriteEvents && holding.test(persistenceId)) {
                reached.countDown();
                await(gate);
              }
              return ProcessingSuccess.getInstance();
            });
    UserEntities.init(
        testKit.system(),
        100,
        new UserNotices(sharding),
        io.parley.notifications.NotificationSink.DISABLED);
    ConversationEntity.init(
        testKit.system(),
        new ConversationSettings(
            1000,
            1000,
            2,
            WAIT,
            new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), 0),
            5000,
            16,
            new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)));
    EntityTestCluster.registerUsers(testKit, "ann", "ben", "cat", "dan", "eve", "fay");
    var settings =
        new RequestDeps.Settings(
            ASK_TIMEOUT,
            ASK_TIMEOUT,
            new SendDeadline(Duration.ofSeconds(3), Duration.ofSeconds(9)),
            50,
            256 * 1024,
            4,
            5000,
            1000,
            500);
    RequestDeps deps = new RequestDeps(settings, sharding, null, new SendGate(4));
    requests = new Requests(deps, testKit.system());
    groups = new Groups(deps);
    people = new People(deps);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void letGo() {
    holding = id -> false;
    gate.countDown();
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** From now on, writes of the ids {@code held} accepts wait until {@link #letGo}. */
  private static void hold(Predicate<String> held) {
    gate = new CountDownLatch(1);
    reached = new CountDownLatch(1);
    holding = held;
  }

  private static void letGoNow() {
    holding = id -> false;
    gate.countDown();
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static String userId(String user) {
    return UserEntity.ENTITY_KEY.name() + "|" + user;
  }

  private static Contacts.View contactsOf(String user) throws Exception {
    return get(
        sharding
            .entityRefFor(UserEntity.ENTITY_KEY, user)
            .<Contacts.View>ask(UserEntity.GetContacts::new, WAIT));
  }

  private static List<String> groupsOf(String user) throws Exception {
    UserEntity.Conversations convs =
        get(
            sharding
                .entityRefFor(UserEntity.ENTITY_KEY, user)
                .<UserEntity.Conversations>ask(UserEntity.GetConversations::new, WAIT));
    return convs.reads().keySet().stream().filter(conv -> conv.startsWith("g:")).toList();
  }

  private static ServerFrame.Error error(ServerFrame frame, String code, String rid) {
    ServerFrame.Error error = assertInstanceOf(ServerFrame.Error.class, frame);
    assertEquals(code, error.code(), error.message());
    assertEquals(rid, error.rid());
    return error;
  }

  @Test
  void aGroupCreateNotAnsweredInTimeHasAnUnknownOutcomeAndMayStillBeStored() throws Exception {
    hold(id -> id.startsWith(ConversationEntity.ENTITY_KEY.name() + "|g:"));
    ServerFrame answer =
        get(groups.create("ann", new ClientFrame.Create("r-create", "group", "t", List.of("ben"))));
    assertTrue(await(reached), "the group's first write was held");
    ServerFrame.Error unknown = error(answer, "internal", "r-create");
    assertTrue(unknown.message().contains("look at your conversations"), unknown.message());

    // It was stored after all, and the creator's conversations show it: `unavailable` would
    // have been a lie.
    letGoNow();
    Await.until(() -> groupsOf("ann"), convs -> convs.size() == 1, WAIT, "the group stored");
  }

  @Test
  void aContactChangeNotAnsweredInTimeHasAnUnknownOutcomeAndItsRetryIsOk() throws Exception {
    hold(id -> id.equals(userId("dan")));
    ServerFrame answer = get(people.handle("cat", new ClientFrame.FriendRequest("r-ask", "dan")));
    assertTrue(await(reached), "the other party's write was held");
    ServerFrame.Error unknown = error(answer, "internal", "r-ask");
    assertTrue(unknown.message().contains("repeating it is safe"), unknown.message());

    letGoNow();
    Await.until(
        () -> contactsOf("dan").pendingIn(), in -> in.contains("cat"), WAIT, "dan's side stored");
    assertEquals(
        new ServerFrame.Ok("r-again"),
        get(people.handle("cat", new ClientFrame.FriendRequest("r-again", "dan"))));
    assertEquals(List.of("dan"), contactsOf("cat").pendingOut());
    assertEquals(List.of("cat"), contactsOf("dan").pendingIn());
  }

  @Test
  void aDirectTitleNotAnsweredInTimeIsTheOtherMembersIdAndTheRestAreNotAsked() throws Exception {
    get(
        sharding
            .entityRefFor(UserEntity.ENTITY_KEY, "gil")
            .<UserEntity.RegisterReply>ask(r -> new UserEntity.Register("hash", "Gil N", r), WAIT));
    assertEquals("Gil N", get(new Titles(sharding, ASK_TIMEOUT).of("ann", "d:ann:gil")));

    hold(id -> id.equals(userId("eve")));
    people.handle("fay", new ClientFrame.FriendRequest("r-held", "eve"));
    assertTrue(await(reached), "eve's write was held");
    Titles titles = new Titles(sharding, ASK_TIMEOUT);
    assertEquals("eve", get(titles.of("ann", "d:ann:eve")));
    // Given up for this sync: gil is titled by id at once, unasked.
    CompletionStage<String> unasked = titles.of("ann", "d:ann:gil");
    assertTrue(unasked.toCompletableFuture().isDone());
    assertEquals("gil", get(unasked));
    assertNull(get(titles.of("ann", "g:x")), "a group's own summary carries its title");
  }

  @Test
  void aReadNotAnsweredInTimeIsUnavailable() throws Exception {
    String conv = "d:eve:fay";
    var conversation = sharding.entityRefFor(ConversationEntity.ENTITY_KEY, conv);
    Replies.PostReply first =
        get(
            conversation.<Replies.PostReply>ask(
                r -> new ConversationEntity.Post("eve", "c1", "text", TextNode.valueOf("hi"), r),
                WAIT));
    assertInstanceOf(Replies.Posted.class, first);

    hold(id -> id.equals(ConversationEntity.persistenceId(conv).id()));
    conversation.tell(
        new ConversationEntity.Post(
            "eve",
            "c2",
            "text",
            TextNode.valueOf("held"),
            testKit.<Replies.PostReply>createTestProbe().ref()));
    assertTrue(await(reached), "the conversation's write was held");
    ServerFrame page =
        get(requests.history("eve", new ClientFrame.History("r-page", conv, null, null, 10)));
    error(page, "unavailable", "r-page");
    letGoNow();

    hold(id -> id.equals(userId("eve")));
    sharding
        .entityRefFor(UserEntity.ENTITY_KEY, "eve")
        .tell(
            new UserEntity.ChangeContact(
                "ann", Contacts.Change.REQUEST_SENT, testKit.<Done>createTestProbe().ref()));
    assertTrue(await(reached), "eve's write was held");
    ServerFrame list = get(people.contacts("eve", new ClientFrame.Contacts("r-list")));
    error(list, "unavailable", "r-list");
  }
}
