package io.parley.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import io.parley.conversation.ConversationEntity;
import io.parley.conversation.Replies;
import io.parley.push.Push;
import io.parley.timeline.Entry;
import io.parley.user.UserEntity;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The messages that carry a send's trace between nodes keep it through the cluster's serializer
 * (jackson-cbor), and carry not a byte of it when the send is not traced.
 */
class TraceparentSerializationTest {
  private static final String TRACEPARENT =
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  private static final Entry ENTRY =
      new Entry("d:ann:ben", 7, "ann", "c1", "text", TextNode.valueOf("hi"), 1L);
  private static ActorTestKit kit;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    kit =
        ActorTestKit.create(
            ConfigFactory.parseMap(
                    Map.of(
                        "pekko.actor.provider", "local",
                        "pekko.coordinated-shutdown.exit-jvm", "off",
                        "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off"))
                .withFallback(ConfigFactory.load()));
    serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aPostADeliverAndADeliveryKeepTheirTraceparent() {
    var replyTo = kit.<Replies.PostReply>createTestProbe().ref();
    var post =
        new ConversationEntity.Post(
            "ann", "c1", "text", TextNode.valueOf("hi"), replyTo, TRACEPARENT, 1_800_000_000_000L);
    assertEquals(post, roundTrip(post));
    assertEquals(TRACEPARENT, roundTrip(new UserEntity.Deliver(ENTRY, TRACEPARENT)).traceparent());
    assertEquals(TRACEPARENT, roundTrip(new Push.Delivery(ENTRY, TRACEPARENT)).traceparent());
  }

  @Test
  void anUntracedMessageCarriesNoTraceField() {
    var replyTo = kit.<Replies.PostReply>createTestProbe().ref();
    var post = new ConversationEntity.Post("ann", "c1", "text", TextNode.valueOf("hi"), replyTo);
    assertNull(roundTrip(post).traceparent());
    for (Object untraced :
        new Object[] {post, new UserEntity.Deliver(ENTRY), new Push.Delivery(ENTRY)}) {
      String bytes = new String(serialization.serialize(untraced).get(), StandardCharsets.UTF_8);
      assertFalse(bytes.contains("traceparent"), untraced.getClass().getSimpleName());
    }
    assertTrue(
        new String(
                serialization.serialize(new Push.Delivery(ENTRY, TRACEPARENT)).get(),
                StandardCharsets.UTF_8)
            .contains("traceparent"),
        "the check above can see the field");
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T message) {
    byte[] bytes = serialization.serialize(message).get();
    var serializer = serialization.findSerializerFor(message);
    return (T)
        serialization
            .deserialize(
                bytes, serializer.identifier(), Serializers.manifestFor(serializer, message))
            .get();
  }
}
