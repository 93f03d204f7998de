package io.parley.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import io.parley.push.Push;
import io.parley.testing.Await;
import io.parley.timeline.Entry;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A user entity's sessions as a new incarnation sees them: the pushes it made before a session
 * attached (after a move, the sessions attach again a little later) are told to that session, for
 * the incarnation's first window only.
 */
class SessionsTest {
  private static final ActorTestKit KIT =
      ActorTestKit.create(
          ConfigFactory.parseMap(
                  Map.of(
                      "pekko.actor.provider", "local",
                      "pekko.coordinated-shutdown.exit-jvm", "off",
                      "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off"))
              .withFallback(ConfigFactory.load()));
  private static final Duration QUIET = Duration.ofMillis(300);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void aSessionAttachingToAYoungIncarnationIsToldWhatItPushedBefore() {
    ActorRef<UserEntity.Command> entity = KIT.spawn(sessions(Duration.ofHours(1)));
    entity.tell(new UserEntity.Deliver(entry("d:ann:bob", 3)));
    entity.tell(new UserEntity.Deliver(entry("d:ann:bob", 5)));
    entity.tell(new UserEntity.Deliver(entry("g:club", 2)));
    TestProbe<Push> phone = KIT.createTestProbe();
    TestProbe<Push> laptop = KIT.createTestProbe();

    entity.tell(new UserEntity.Attach("phone", "t1", phone.ref()));
    Push.Missed told = new Push.Missed(Map.of("d:ann:bob", 5L, "g:club", 2L));
    phone.expectMessage(told);
    entity.tell(new UserEntity.Attach("laptop", "t2", laptop.ref()));
    laptop.expectMessage(told);

    // Known: its refresh is told nothing; it gets the next push as it comes.
    entity.tell(new UserEntity.Attach("phone", "t1", phone.ref()));
    entity.tell(new UserEntity.Deliver(entry("d:ann:bob", 6)));
    phone.expectMessage(new Push.Delivery(entry("d:ann:bob", 6)));
    phone.expectNoMessage(QUIET);
  }

  @Test
  void onceTheWindowHasPassedASessionIsToldNothing() throws Exception {
    Duration window = Duration.ofMillis(200);
    long start = System.nanoTime();
    ActorRef<UserEntity.Command> entity = KIT.spawn(sessions(window));
    entity.tell(new UserEntity.Deliver(entry("d:ann:bob", 3)));
    TestProbe<Push> phone = KIT.createTestProbe();
    Await.until(
        System::nanoTime,
        now -> now - start > 2 * window.toNanos(),
        Duration.ofSeconds(5),
        "the window passed");

    entity.tell(new UserEntity.Attach("phone", "t1", phone.ref()));
    entity.tell(new UserEntity.Deliver(entry("d:ann:bob", 4)));

    phone.expectMessage(new Push.Delivery(entry("d:ann:bob", 4)));
    phone.expectNoMessage(QUIET);
  }

  @Test
  void theWindowCoversTheSlowestReattachAtARefresh() {
    var config = ConfigFactory.load();
    // refresh 30 s, checked every half heartbeat (15 s), or within reattach-spread (5 s).
    assertEquals(Duration.ofSeconds(50), Sessions.missedWindow(config));
  }

  @Test
  void theNewPushesCrossTheClusterSerializer() throws Exception {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(KIT.system()));
    for (Push push :
        new Push[] {Push.AttachAgain.INSTANCE, new Push.Missed(Map.of("d:ann:bob", 5L))}) {
      byte[] bytes = serialization.serialize(push).get();
      var serializer = serialization.findSerializerFor(push);
      Object back =
          serialization
              .deserialize(
                  bytes, serializer.identifier(), Serializers.manifestFor(serializer, push))
              .get();
      assertEquals(push, back);
    }
  }

  /** A stand-in user entity: only its sessions, driven by Deliver and Attach. */
  private static Behavior<UserEntity.Command> sessions(Duration window) {
    return Behaviors.setup(
        ctx -> {
          Sessions sessions = new Sessions(ctx, window.toNanos());
          return Behaviors.receiveMessage(
              command -> {
                if (command instanceof UserEntity.Deliver d) sessions.deliver(d.entry());
                if (command instanceof UserEntity.Attach a)
                  sessions.attach(a.session(), a.device(), a.tokenId());
                return Behaviors.same();
              });
        });
  }

  private static Entry entry(String conv, long seq) {
    return new Entry(conv, seq, "bob", "c" + seq, "text", TextNode.valueOf("hi"), 0);
  }
}
