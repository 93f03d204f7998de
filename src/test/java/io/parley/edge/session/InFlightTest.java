package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import io.parley.edge.budgets.SendGate;
import io.parley.edge.requests.RequestDeps;
import io.parley.edge.requests.Requests;
import io.parley.moderation.Moderation;
import io.parley.node.ParleyConfig;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.push.SessionMessage;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A session's sends hold a slot of the node's send gate from when they go out until they are
 * answered or the session ends, and a send refused at the edge holds none. The sends go to "x",
 * which is no conversation id: they are answered at once, without a cluster.
 */
class InFlightTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final SessionSettings SETTINGS =
      SessionSettings.from(ParleyConfig.load(ConfigFactory.empty()));

  /** What the stand-in session is told by the test. */
  private record Post(String body) implements SessionMessage {}

  private enum Answer implements SessionMessage {
    INSTANCE
  }

  private enum End implements SessionMessage {
    INSTANCE
  }

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void aSendHoldsItsSlotUntilItIsAnswered() {
    TestProbe<Object> probe = KIT.createTestProbe();
    ActorRef<SessionMessage> session = session(new SendGate(1), probe);
    assertNull(post(session, probe, "hi"), "the first send goes out");
    assertEquals("unavailable", post(session, probe, "hi").code(), "the gate is full");
    session.tell(Answer.INSTANCE);
    probe.expectMessage("answered");
    assertNull(post(session, probe, "hi"), "the answer gave the slot back");
  }

  @Test
  void anEndedSessionGivesBackTheSlotsOfItsUnansweredSendsOnce() {
    SendGate gate = new SendGate(2);
    TestProbe<Object> probe = KIT.createTestProbe();
    ActorRef<SessionMessage> ended = session(gate, probe);
    assertNull(post(ended, probe, "a"));
    assertNull(post(ended, probe, "b"));
    assertEquals("unavailable", post(ended, probe, "c").code());
    ended.tell(End.INSTANCE);
    // Their answers come after the end: the slots are not given back a second time.
    ended.tell(Answer.INSTANCE);
    ended.tell(Answer.INSTANCE);
    probe.expectMessage("answered");
    probe.expectMessage("answered");

    ActorRef<SessionMessage> next = session(gate, probe);
    assertNull(post(next, probe, "d"));
    assertNull(post(next, probe, "e"));
    assertEquals("unavailable", post(next, probe, "f").code());
  }

  @Test
  void aBodyOverTheLimitIsRefusedWithoutTakingASlot() {
    TestProbe<Object> probe = KIT.createTestProbe();
    ActorRef<SessionMessage> session = session(new SendGate(1), probe);
    String tooLarge = "x".repeat(SETTINGS.maxBodyBytes() + 1);
    assertEquals("too_large", post(session, probe, tooLarge).code());
    assertNull(post(session, probe, "hi"));
  }

  /** The send's refusal at the edge, or null when it went out. */
  private static ServerFrame.Error post(
      ActorRef<SessionMessage> session, TestProbe<Object> probe, String body) {
    session.tell(new Post(body));
    @SuppressWarnings("unchecked")
    Optional<ServerFrame.Error> refusal = probe.expectMessageClass(Optional.class);
    return refusal.orElse(null);
  }

  /** A stand-in for a session: its sends, and their answers when the test says so. */
  private static ActorRef<SessionMessage> session(SendGate gate, TestProbe<Object> probe) {
    RequestDeps requests = new RequestDeps(SETTINGS.requests(), null, null, new SendGate(1));
    SessionDeps deps =
        new SessionDeps(
            SETTINGS,
            null,
            null,
            null,
            null,
            null,
            gate,
            new Requests(requests, KIT.system()),
            null,
            null,
            null,
            null,
            null,
            null,
            Moderation.NONE);
    Behavior<SessionMessage> behavior =
        Behaviors.setup(
            ctx -> {
              InFlight inFlight = new InFlight(deps);
              return Behaviors.receive(SessionMessage.class)
                  .onMessage(
                      Post.class,
                      p -> {
                        ClientFrame.Send send =
                            new ClientFrame.Send(
                                null, "x", "c", "text", TextNode.valueOf(p.body()));
                        probe.ref().tell(Optional.ofNullable(inFlight.send(ctx, "ann", send)));
                        return Behaviors.same();
                      })
                  .onMessage(SessionMessages.SendAnswered.class, a -> Behaviors.same())
                  .onMessageEquals(
                      Answer.INSTANCE,
                      () -> {
                        inFlight.sendAnswered();
                        probe.ref().tell("answered");
                        return Behaviors.same();
                      })
                  .onMessageEquals(
                      End.INSTANCE,
                      () -> {
                        inFlight.release();
                        return Behaviors.same();
                      })
                  .build();
            });
    return KIT.spawn(behavior);
  }
}
