package io.parley.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import io.parley.notifications.Notification;
import io.parley.notifications.NotificationSink;
import io.parley.notifications.Provider;
import io.parley.push.Push;
import io.parley.testing.EntityTestCluster;
import io.parley.testing.Ids;
import io.parley.timeline.Entry;
import io.parley.user.ConversationNotices.Counts;
import io.parley.user.PushProtocol.PushDeviceRegistered;
import io.parley.user.PushProtocol.PushDeviceRemoved;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The user entity's push devices and its decisions to push, on the in-memory journal with
 * serialization checks: a recording sink stands for the node's queue, a fake for the conversations'
 * summaries, and the sender's user entity (for the nickname) is a real one in a one-node cluster.
 * The coalescing window is an hour here, and the tests end it by sending the entity its {@link
 * PushProtocol.PushDue} (one test lets the real window end).
 */
class PushEntityTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  // How long a push that should not come is given to come anyway: the lookups are local.
  private static final Duration QUIET = Duration.ofMillis(500);
  private static final int MAX_DEVICES = 10;
  private static ActorTestKit testKit;
  private static ClusterSharding sharding;
  private static String bob;

  @BeforeAll
  static void start() throws Exception {
    testKit =
        EntityTestCluster.start(
            EventSourcedBehaviorTestKit.config()
                .withFallback(ConfigFactory.parseString("parley.push.coalesce = 1h")));
    sharding = ClusterSharding.get(testKit.system());
    UserEntities.init(testKit.system(), 100, new Summaries(), NotificationSink.DISABLED);
    bob = Ids.user("bob");
    sharding
        .entityRefFor(UserEntity.ENTITY_KEY, bob)
        .<UserEntity.RegisterReply>ask(r -> new UserEntity.Register("hash", "Bobby", r), WAIT)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A registered user in the conversations given, whose pushes go to {@code sink}. */
  private static Kit kit(String user, Summaries summaries, PushSettings push, String... convs) {
    Sink sink = new Sink();
    UserDeps deps =
        UserDeps.from(testKit.system(), sharding, summaries, sink)
            .with(push == null ? PushSettings.from(testKit.system().settings().config()) : push);
    var kit =
        EventSourcedBehaviorTestKit.<UserEntity.Command, UserEntity.Event, UserEntity.State>create(
            testKit.system(),
            UserEntities.create(user, 100, deps),
            EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.<UserEntity.RegisterReply>runCommand(r -> new UserEntity.Register("hash", user, r));
    for (String conv : convs) {
      kit.<UserEntity.LinkReply>runCommand(
          r -> new UserEntity.LinkConversation(conv, List.of(bob), r));
    }
    return new Kit(user, kit, sink, summaries);
  }

  private static Kit kit(String name, String... convs) {
    return kit(Ids.user(name), new Summaries(), null, convs);
  }

  @Test
  void anOfflineDeviceGetsOnePushAfterTheWindowAndALiveOneNone() {
    String conv = "d:ann:" + bob;
    Kit ann = kit("ann", conv);
    ann.register("phone", false, "t-phone");
    ann.register("tablet", false, "t-tablet");
    TestProbe<Push> phone = testKit.createTestProbe(Push.class);
    ann.kit.runCommand(new UserEntity.Attach("phone", "t-phone", phone.ref()));

    ann.deliver(text(conv, 7, bob, "hello"));
    assertTrue(ann.sink.got.isEmpty(), "nothing before the window ends");
    ann.due(conv);

    Notification push = ann.sink.next();
    assertEquals("tablet", push.device(), "the phone has a live session");
    assertEquals(ann.user, push.user());
    assertEquals(Provider.APNS, push.provider());
    assertEquals("token-tablet", push.token());
    assertEquals(conv, push.conv());
    assertEquals(7, push.seq());
    assertEquals("text", push.kind());
    assertEquals(bob, push.sender());
    assertEquals("Bobby", push.senderName());
    assertEquals(1, push.count());
    ann.sink.quiet();
    assertEquals(7L, ann.kit.getState().push().notified().get(conv));
  }

  @Test
  void theRealWindowEndsOnceForABurst() {
    String conv = "d:cid:" + bob;
    PushSettings base = PushSettings.from(testKit.system().settings().config());
    PushSettings short1s =
        new PushSettings(
            base.maxDevices(),
            Duration.ofSeconds(1),
            base.systemEntries(),
            base.previewMaxChars(),
            base.lookupTimeout(),
            base.summaryParallelism());
    Kit cid = kit(Ids.user("cid"), new Summaries(), short1s, conv);
    cid.register("phone", false, "t1");
    for (int seq = 1; seq <= 5; seq++) {
      cid.kit.runCommand(new UserEntity.Deliver(text(conv, seq, bob, "m" + seq)));
    }
    Notification push = cid.sink.next();
    assertEquals(5, push.seq(), "the latest entry");
    assertEquals(5, push.count(), "the whole burst");
    assertNull(cid.sink.poll(Duration.ofSeconds(2)), "one push for the burst, not one per entry");
  }

  @Test
  void aBurstIsOnePushWithTheLatestSeqAndTheCount() {
    String conv = "g:burst";
    Kit dee = kit("dee", conv);
    dee.register("phone", false, "t1");
    for (int seq = 11; seq <= 15; seq++) {
      var delivered = dee.kit.runCommand(new UserEntity.Deliver(text(conv, seq, bob, "m" + seq)));
      assertTrue(delivered.hasNoEvents(), "no write per message");
    }
    dee.due(conv);
    Notification push = dee.sink.next();
    assertEquals(15, push.seq());
    assertEquals(5, push.count());
    dee.sink.quiet();
    var journal =
        dee.kit.persistenceTestKit().persistedInStorage("User|" + dee.user).stream()
            .filter(e -> e instanceof PushProtocol.PushNotified)
            .toList();
    assertEquals(
        List.of(new PushProtocol.PushNotified(conv, 15, List.of("phone"))),
        journal,
        "one write for the burst");
  }

  @Test
  void aDeviceThatConnectsInTheWindowIsNotPushed() {
    String conv = "d:eve:" + bob;
    Kit eve = kit("eve", conv);
    eve.register("phone", false, "t1");
    eve.deliver(text(conv, 3, bob, "hi"));
    TestProbe<Push> phone = testKit.createTestProbe(Push.class);
    eve.kit.runCommand(new UserEntity.Attach("phone", "t1", phone.ref()));
    eve.due(conv);
    eve.sink.quiet();
  }

  @Test
  void aDeviceWhoseCursorCoversTheEntryIsNotPushed() {
    String conv = "d:fay:" + bob;
    Kit fay = kit("fay", conv);
    fay.register("phone", false, "t1");
    fay.register("tablet", false, "t2");
    fay.deliver(text(conv, 4, bob, "hi"));
    // The phone got it live and acked it, then went away (its session flushed its acks).
    fay.kit.<Done>runCommand(r -> new UserEntity.AdvanceCursors("phone", Map.of(conv, 4L), r));
    fay.due(conv);
    assertEquals("tablet", fay.sink.next().device());
    fay.sink.quiet();
  }

  @Test
  void thePreviewGoesOnlyToDevicesThatAllowIt() {
    String conv = "d:gus:" + bob;
    Kit gus = kit("gus", conv);
    gus.register("private", false, "t1");
    gus.register("open", true, "t2");
    gus.deliver(text(conv, 1, bob, "meet at 8"));
    gus.due(conv);
    List<Notification> pushes = gus.sink.batch(2);
    Map<String, String> texts = new java.util.HashMap<>();
    pushes.forEach(p -> texts.put(p.device(), p.text()));
    assertEquals("meet at 8", texts.get("open"));
    assertTrue(texts.containsKey("private"));
    assertNull(texts.get("private"), "no preview unless allowed: the provider says New message");
  }

  @Test
  void theUsersOwnEntriesAreNeverPushed() {
    String conv = "d:hal:" + bob;
    Kit hal = kit("hal", conv);
    hal.register("phone", false, "t1");
    hal.deliver(text(conv, 5, bob, "question"));
    hal.deliver(text(conv, 6, hal.user, "answer from another device"));
    hal.due(conv);
    Notification push = hal.sink.next();
    assertEquals(5, push.seq(), "the latest entry not by the user");
    assertEquals(1, push.count());

    hal.deliver(text(conv, 7, hal.user, "more"));
    hal.due(conv);
    hal.sink.quiet();
  }

  @Test
  void theBadgeIsTheExactUnreadAcrossConversationsAndFollowsReads() {
    String user = Ids.user("ivy");
    String direct = "d:ivy:" + bob;
    String group = "g:ivyclub";
    Summaries summaries = new Summaries();
    // Ivy wrote seq 2 of the direct conversation (so read it); the group is at 10, she wrote 4.
    summaries.counts.put(direct, new Counts(2, 2, 1));
    summaries.counts.put(group, new Counts(10, 4, 1));
    Kit ivy = kit(user, summaries, null, direct, group);
    ivy.kit.<UserEntity.ReadReply>runCommand(r -> new UserEntity.MarkRead(group, 5, "web", r));
    ivy.register("phone", false, "t1");

    ivy.deliver(text(direct, 3, bob, "one"));
    ivy.due(direct);
    // direct: 3 - 2 = 1; group: 10 - max(5, 4) = 5.
    assertEquals(6, ivy.sink.next().badge());

    ivy.kit.<UserEntity.ReadReply>runCommand(r -> new UserEntity.MarkRead(group, 10, "web", r));
    ivy.deliver(text(group, 11, bob, "two"));
    ivy.deliver(text(group, 12, ivy.user, "her own"));
    ivy.deliver(text(direct, 4, bob, "three"));
    ivy.due(direct);
    // direct: 4 - 2 = 2; group: her own entry 12 reads it all.
    assertEquals(2, ivy.sink.next().badge());
    assertEquals(1, summaries.asked.get(direct).get(), "summaries are asked once per incarnation");
    assertEquals(1, summaries.asked.get(group).get());
  }

  @Test
  void aRecoveredEntityNeverPushesTheSameSeqAgain() {
    String conv = "d:jon:" + bob;
    Kit jon = kit("jon", conv);
    jon.register("phone", false, "t1");
    Entry entry = text(conv, 9, bob, "once");
    jon.deliver(entry);
    jon.due(conv);
    assertEquals(9, jon.sink.next().seq());
    UserEntity.State before = jon.kit.getState();

    jon.kit.restart();
    assertEquals(before, jon.kit.getState());
    // The conversation pushes the entry again (say, a retry after its own restart).
    jon.deliver(entry);
    jon.due(conv);
    jon.sink.quiet();
    jon.deliver(text(conv, 10, bob, "twice"));
    jon.due(conv);
    assertEquals(10, jon.sink.next().seq(), "later entries are pushed as before");
  }

  @Test
  void registrationsReplaceKeepTheLimitAndAreListedWithoutTokens() {
    Kit kim = kit("kim");
    for (int i = 1; i <= MAX_DEVICES; i++) kim.register("d" + i, false, "t");
    var over =
        kim.kit.<PushDevices.Registered>runCommand(
            r ->
                new PushProtocol.RegisterPushDevice(
                    "d11", Provider.FCM, "token-d11", false, "t", r));
    assertEquals(PushDevices.Registered.TOO_MANY, over.reply());
    assertTrue(over.hasNoEvents());
    var replaced =
        kim.kit.<PushDevices.Registered>runCommand(
            r ->
                new PushProtocol.RegisterPushDevice(
                    "d3", Provider.WEBHOOK, "new-token", true, "t", r));
    assertEquals(PushDevices.Registered.DONE, replaced.reply(), "an existing device re-registers");
    var repeated = kim.register("d4", false, "t");
    assertTrue(repeated.hasNoEvents(), "the same registration again stores nothing");

    var view = kim.kit.<PushDevices.View>runCommand(PushProtocol.GetPushDevices::new).reply();
    assertEquals(MAX_DEVICES, view.devices().size());
    PushDevices.Listed d3 =
        view.devices().stream().filter(d -> d.device().equals("d3")).findFirst().orElseThrow();
    assertEquals("webhook", d3.provider());
    assertTrue(d3.preview());

    // The same token under a new device id (the app reinstalled) moves there.
    kim.kit.<PushDevices.Registered>runCommand(
        r ->
            new PushProtocol.RegisterPushDevice(
                "d12", Provider.WEBHOOK, "new-token", true, "t", r));
    assertTrue(kim.kit.getState().push().devices().containsKey("d12"));
    assertTrue(!kim.kit.getState().push().devices().containsKey("d3"));
  }

  @Test
  void logoutRemovesTheDevicesOfThatToken() {
    Kit lea = kit("lea");
    lea.register("phone", false, "t-phone");
    lea.register("tablet", false, "t-tablet");
    lea.register("laptop", false, "t-old");
    lea.register("watch", false, "t-watch");
    TestProbe<Push> laptop = testKit.createTestProbe(Push.class);
    lea.kit.runCommand(new UserEntity.Attach("laptop", "t-laptop", laptop.ref()));
    long expiry = System.currentTimeMillis() + 60_000;

    // Registered with the token.
    var phone = lea.kit.<Done>runCommand(r -> new UserEntity.RevokeToken("t-phone", expiry, r));
    assertEquals(List.of(new PushDeviceRemoved("phone")), phone.events().subList(1, 2));
    // Its session authenticated with the token (it registered under an older one).
    var live = lea.kit.<Done>runCommand(r -> new UserEntity.RevokeToken("t-laptop", expiry, r));
    assertEquals(new PushDeviceRemoved("laptop"), live.events().get(1));
    // Named by the client.
    var named =
        lea.kit.<Done>runCommand(r -> new UserEntity.RevokeToken("t-x", expiry, "tablet", r));
    assertEquals(new PushDeviceRemoved("tablet"), named.events().get(1));
    assertEquals(2, named.events().size());
    assertEquals(List.of("watch"), List.copyOf(lea.kit.getState().push().devices().keySet()));
    lea.kit.restart();
    assertEquals(List.of("watch"), List.copyOf(lea.kit.getState().push().devices().keySet()));
  }

  @Test
  void aDeadTokenIsRemovedOnlyWhileTheDeviceStillHasIt() {
    Kit max = kit("max");
    max.register("phone", false, "t1");
    var stale =
        max.kit.<Done>runCommand(r -> new PushProtocol.RemovePushDevice("phone", "old-token", r));
    assertTrue(stale.hasNoEvents(), "the device registered a new token since");
    assertTrue(max.kit.getState().push().devices().containsKey("phone"));
    var dead =
        max.kit.<Done>runCommand(r -> new PushProtocol.RemovePushDevice("phone", "token-phone", r));
    assertEquals(List.of(new PushDeviceRemoved("phone")), dead.events());
    var unregister =
        max.kit.<Done>runCommand(r -> new PushProtocol.UnregisterPushDevice("phone", r));
    assertTrue(unregister.hasNoEvents(), "gone already: ok, nothing stored");
  }

  @Test
  void systemEntriesAreNotPushedByDefault() {
    String conv = "g:sys";
    Kit ned = kit("ned", conv);
    ned.register("phone", false, "t1");
    var body = JsonNodeFactory.instance.objectNode().put("event", "title").put("title", "x");
    ned.deliver(new Entry(conv, 2, bob, "s2", "system", body, 1L));
    ned.due(conv);
    ned.sink.quiet();
    Entry recall =
        new Entry(
            conv, 3, bob, "r3", "recall", JsonNodeFactory.instance.objectNode().put("seq", 1), 2L);
    ned.deliver(recall);
    ned.due(conv);
    Notification push = ned.sink.next();
    assertEquals("recall", push.kind());
    assertEquals(1, push.count(), "the system entry was not counted");
  }

  @Test
  void aLongTextIsCutToThePreviewLengthOnACodePoint() {
    String conv = "d:ora:" + bob;
    Kit ora = kit(Ids.user("ora"), new Summaries(), settings(10, null), conv);
    ora.register("phone", true, "t1");
    ora.deliver(text(conv, 1, bob, "\uD83D\uDE00".repeat(12)));
    ora.due(conv);
    assertEquals("\uD83D\uDE00".repeat(10), ora.sink.next().text(), "10 characters, none split");
    ora.deliver(text(conv, 2, bob, "short"));
    ora.due(conv);
    assertEquals("short", ora.sink.next().text());
  }

  @Test
  void theFirstBadgeAsksOnlyAFewConversationsAtATime() {
    Summaries summaries = new Summaries();
    summaries.delay = Duration.ofMillis(20);
    List<String> convs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String conv = "g:many" + i;
      convs.add(conv);
      summaries.counts.put(conv, new Counts(2, 0, 1));
    }
    Kit pam = kit(Ids.user("pam"), summaries, null, convs.toArray(String[]::new));
    pam.register("phone", false, "t1");
    pam.deliver(text("g:many0", 3, bob, "hi"));
    pam.due("g:many0");
    assertEquals(39 * 2 + 3, pam.sink.next().badge(), "every conversation counted");
    int parallelism = PushSettings.from(testKit.system().settings().config()).summaryParallelism();
    assertTrue(
        summaries.mostInFlight.get() <= parallelism,
        summaries.mostInFlight.get() + " asked at once");
  }

  @Test
  void lookupsThatDoNotAnswerDelayThePushOnlyUntilTheirTimeout() {
    String conv = "d:quy:" + bob;
    String quiet = "g:quiet";
    Summaries summaries = new Summaries();
    summaries.counts.put(conv, new Counts(1, 0, 1));
    summaries.silent.add(quiet);
    Kit quy = kit(Ids.user("quy"), summaries, settings(200, Duration.ofMillis(300)), conv, quiet);
    quy.register("phone", false, "t1");
    String stranger = Ids.user("gone"); // no such user: no nickname
    quy.deliver(text(conv, 2, stranger, "hi"));
    quy.due(conv);
    Notification push = quy.sink.next();
    assertEquals(stranger, push.senderName(), "the id stands in for a nickname");
    assertEquals(2, push.badge(), "what is known: the quiet conversation is left out");
    quy.deliver(text(conv, 3, stranger, "again"));
    quy.due(conv);
    quy.sink.next();
    assertEquals(2, summaries.asked.get(quiet).get(), "asked again at the next push");
    assertEquals(1, summaries.asked.get(conv).get());
  }

  /** The configured push settings with another preview length and, if given, lookup timeout. */
  private static PushSettings settings(int previewMaxChars, Duration lookupTimeout) {
    PushSettings base = PushSettings.from(testKit.system().settings().config());
    return new PushSettings(
        base.maxDevices(),
        base.coalesce(),
        base.systemEntries(),
        previewMaxChars,
        lookupTimeout == null ? base.lookupTimeout() : lookupTimeout,
        base.summaryParallelism());
  }

  private static Entry text(String conv, long seq, String from, String body) {
    return new Entry(conv, seq, from, "c" + seq, "text", TextNode.valueOf(body), 1000L + seq);
  }

  /** One user entity under test and what it pushed. */
  private record Kit(
      String user,
      EventSourcedBehaviorTestKit<UserEntity.Command, UserEntity.Event, UserEntity.State> kit,
      Sink sink,
      Summaries summaries) {

    EventSourcedBehaviorTestKit.CommandResultWithReply<
            UserEntity.Command, UserEntity.Event, UserEntity.State, PushDevices.Registered>
        register(String device, boolean preview, String tokenId) {
      var result =
          kit.<PushDevices.Registered>runCommand(
              r ->
                  new PushProtocol.RegisterPushDevice(
                      device, Provider.APNS, "token-" + device, preview, tokenId, r));
      assertEquals(PushDevices.Registered.DONE, result.reply());
      for (UserEntity.Event e : result.events()) assertTrue(e instanceof PushDeviceRegistered);
      return result;
    }

    void deliver(Entry entry) {
      kit.runCommand(new UserEntity.Deliver(entry));
    }

    /** Ends conv's coalescing window now. */
    void due(String conv) {
      kit.runCommand(new PushProtocol.PushDue(conv));
    }
  }

  /** The node's queue, recording. */
  private static final class Sink implements NotificationSink {
    final LinkedBlockingQueue<Notification> got = new LinkedBlockingQueue<>();

    @Override
    public boolean offer(Notification notification) {
      got.add(notification);
      return true;
    }

    Notification poll(Duration wait) {
      try {
        return got.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    Notification next() {
      Notification n = poll(WAIT);
      assertNotNull(n, "a push within " + WAIT);
      return n;
    }

    List<Notification> batch(int n) {
      List<Notification> all = new ArrayList<>();
      for (int i = 0; i < n; i++) all.add(next());
      quiet();
      return all;
    }

    void quiet() {
      Notification unexpected = poll(QUIET);
      assertNull(unexpected, "no further push");
    }
  }

  /**
   * The conversations' summaries, from a map; counts how often each was asked. With {@code delay},
   * each answers that much later (and the most asked at once is kept); a conversation in {@code
   * silent} never answers (its ask fails at the timeout, as sharding's does).
   */
  private static final class Summaries implements ConversationNotices {
    final Map<String, Counts> counts = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    final java.util.Set<String> silent = ConcurrentHashMap.newKeySet();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();
    Duration delay = Duration.ZERO;

    @Override
    public void blockChanged(String blocker, String blocked, boolean blocking) {}

    @Override
    public void read(String conv, String user, long seq) {}

    @Override
    public void delivered(String conv, String user, long seq) {}

    @Override
    public CompletionStage<Optional<Counts>> counts(String conv, String user, Duration timeout) {
      asked.computeIfAbsent(conv, c -> new AtomicInteger()).incrementAndGet();
      if (silent.contains(conv)) {
        return new CompletableFuture<Optional<Counts>>()
            .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (delay.isZero())
        return CompletableFuture.completedFuture(Optional.ofNullable(counts.get(conv)));
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      return CompletableFuture.supplyAsync(
          () -> {
            inFlight.decrementAndGet();
            return Optional.ofNullable(counts.get(conv));
          },
          CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
    }
  }
}
