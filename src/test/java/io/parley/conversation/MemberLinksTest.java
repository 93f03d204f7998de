package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parley.conversation.Replies.PostReply;
import io.parley.conversation.Replies.Posted;
import io.parley.testing.EntityTestCluster;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A group's changes to its members' conversation lists are asked until answered: the user entities
 * here are stand-ins that ignore the first request of each kind (a lost message) and report every
 * request they get.
 */
class MemberLinksTest {
  private static final Duration ANSWER = Duration.ofMillis(300);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static ActorTestKit testKit;
  private static ClusterSharding sharding;
  private static TestProbe<Asked> asked;

  /** A request as a stand-in user entity got it; answered false = it was ignored. */
  record Asked(String user, String conv, boolean link, boolean answered) {}

  @BeforeAll
  static void start() {
    testKit = EntityTestCluster.start();
    sharding = ClusterSharding.get(testKit.system());
    asked = testKit.createTestProbe();
    sharding.init(
        Entity.of(UserEntity.ENTITY_KEY, ctx -> standIn(ctx.getEntityId(), asked.getRef())));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Behavior<UserEntity.Command> standIn(String user, ActorRef<Asked> report) {
    Set<String> seen = new HashSet<>();
    return Behaviors.receive(UserEntity.Command.class)
        .onMessage(
            UserEntity.LinkConversation.class,
            link -> {
              boolean answer = !seen.add("link " + link.conv());
              if (answer) link.replyTo().tell(new UserEntity.LinkReply(true, Set.of()));
              report.tell(new Asked(user, link.conv(), true, answer));
              return Behaviors.same();
            })
        .onMessage(
            UserEntity.UnlinkConversation.class,
            unlink -> {
              boolean answer = !seen.add("unlink " + unlink.conv());
              if (answer) unlink.replyTo().tell(Done.getInstance());
              report.tell(new Asked(user, unlink.conv(), false, answer));
              return Behaviors.same();
            })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private static ActorRef<ConversationEntity.Command> group(String id) {
    var settings =
        new ConversationSettings(
            1000,
            1000,
            2,
            ANSWER,
            new io.parley.conversation.ConversationSettings.Backoff(
                java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(30), 0),
            5000,
            16,
            new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    return testKit.spawn(ConversationEntity.create(id, settings, sharding));
  }

  private static void expectPosted(
      java.util.function.Function<ActorRef<PostReply>, ConversationEntity.Command> command,
      ActorRef<ConversationEntity.Command> group) {
    TestProbe<PostReply> reply = testKit.createTestProbe();
    group.tell(command.apply(reply.getRef()));
    reply.expectMessageClass(Posted.class, WAIT);
  }

  /** The requests the stand-ins get until each of users was answered once, by user. */
  private static Set<Asked> untilAnswered(Set<String> users) {
    Set<Asked> got = new HashSet<>();
    Set<String> answered = new HashSet<>();
    asked.fishForMessage(
        WAIT,
        a -> {
          if (!users.contains(a.user()))
            return org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore();
          got.add(a);
          if (a.answered()) answered.add(a.user());
          return answered.equals(users)
              ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
              : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore();
        });
    return got;
  }

  @Test
  void aLostListingIsAskedAgainUntilAnsweredThenNoMore() {
    var group = group("g:lostlinks");
    expectPosted(
        r -> new ConversationEntity.Create("ona", "club", List.of("pia", "quin"), r), group);
    Set<Asked> got = untilAnswered(Set.of("ona", "pia", "quin"));
    for (String user : List.of("ona", "pia", "quin")) {
      assertEquals(
          Set.of(
              new Asked(user, "g:lostlinks", true, false),
              new Asked(user, "g:lostlinks", true, true)),
          got.stream()
              .filter(a -> a.user().equals(user))
              .collect(java.util.stream.Collectors.toSet()),
          user + ": the ignored request, then the answered one");
    }
    // Answered: nothing more is asked, past several ask timeouts and pauses.
    asked.expectNoMessage(ANSWER.multipliedBy(5));

    // A kick takes the group out of the kicked member's list, asked until answered too.
    expectPosted(
        r ->
            new ConversationEntity.Manage(
                "ona", ConversationEntity.GroupOp.KICK, List.of("quin"), null, null, r),
        group);
    assertEquals(
        Set.of(
            new Asked("quin", "g:lostlinks", false, false),
            new Asked("quin", "g:lostlinks", false, true)),
        untilAnswered(Set.of("quin")));
    asked.expectNoMessage(ANSWER.multipliedBy(5));
  }
}
