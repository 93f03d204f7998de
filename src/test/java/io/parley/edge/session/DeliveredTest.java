package io.parley.edge.session;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Delivered receipts (docs/protocol.md, "Delivered receipts"): a device's ack that raises what any
 * device of its user holds in a direct conversation reaches every device of the other member once;
 * a repeated ack, and any ack in a group, sends none.
 */
@Integration
@ExtendWith(TestNodes.class)
class DeliveredTest {
  // How long a receipt that must not come is waited for (the acks before it were answered).
  private static final Duration QUIET = Duration.ofSeconds(2);

  private static boolean isDelivered(JsonNode f) {
    return "delivered".equals(f.path("type").asText());
  }

  private static List<JsonNode> delivered(WsClient ws) {
    return ws.othersSnapshot().stream().filter(DeliveredTest::isDelivered).toList();
  }

  @Test
  void anAckThatRaisesWhatTheUserHoldsReachesEachDeviceOfTheSenderOnce(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String alice = Ids.user("alice");
    String bob = Ids.user("bob");
    String conv = Ids.direct(alice, bob);
    String aliceToken = api.registerAndLogin(alice);
    String bobToken = api.registerAndLogin(bob);
    try (WsClient phone = WsClient.json(node.httpAddress());
        WsClient laptop = WsClient.json(node.httpAddress());
        WsClient bobPhone = WsClient.json(node.httpAddress());
        WsClient bobTablet = WsClient.json(node.httpAddress())) {
      phone.hello(aliceToken, "phone", null);
      laptop.hello(aliceToken, "laptop", null);
      bobPhone.hello(bobToken, "phone", null);
      bobTablet.hello(bobToken, "tablet", null);
      assertEquals(1, phone.sentSeq(conv, "m1", "one"));
      assertEquals(2, phone.sentSeq(conv, "m2", "two"));
      bobPhone.awaitMsgs(conv, 2);

      bobPhone.send(frame("ack", "conv", conv, "seq", 2));
      for (WsClient device : List.of(phone, laptop)) {
        JsonNode receipt = device.await(DeliveredTest::isDelivered, "a delivered receipt");
        assertEquals(conv, receipt.get("conv").asText());
        assertEquals(bob, receipt.get("user").asText());
        assertEquals(2, receipt.get("seq").asLong());
      }
      // The same ack again, from the same device and from another one: no news.
      bobPhone.send(frame("ack", "conv", conv, "seq", 2));
      bobPhone.send(frame("ack", "rid", "a2", "conv", conv, "seq", 1));
      assertEquals("ok", bobPhone.awaitReply("a2").get("type").asText());
      bobTablet.awaitMsgs(conv, 2);
      bobTablet.send(frame("ack", "rid", "a3", "conv", conv, "seq", 2));
      assertEquals("ok", bobTablet.awaitReply("a3").get("type").asText());
      assertNull(phone.poll(DeliveredTest::isDelivered, QUIET), "one receipt per device");
      assertEquals(List.of(), delivered(laptop), "one receipt per device");
      assertEquals(List.of(), delivered(bobPhone), "the acking user is not told");

      // A higher ack is news again.
      assertEquals(3, phone.sentSeq(conv, "m3", "three"));
      bobTablet.awaitMsgs(conv, 3);
      bobTablet.send(frame("ack", "conv", conv, "seq", 3));
      JsonNode next = laptop.await(f -> isDelivered(f) && f.get("seq").asLong() == 3, "seq 3");
      assertEquals(bob, next.get("user").asText());
    }
  }

  @Test
  void groupsHaveNoDeliveredReceipts(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String carol = Ids.user("carol");
    String dan = Ids.user("dan");
    try (WsClient carolPhone = api.phone(carol);
        WsClient danPhone = api.phone(dan)) {
      carolPhone.send(
          frame("create", "rid", "g", "kind", "group", "title", "t", "members", List.of(dan)));
      String conv = carolPhone.awaitReply("g").get("conv").asText();
      long seq = carolPhone.sentSeq(conv, "g1", "hello group");
      danPhone.awaitMsgs(conv, 2);
      danPhone.send(frame("ack", "rid", "a", "conv", conv, "seq", seq));
      assertEquals("ok", danPhone.awaitReply("a").get("type").asText());
      assertNull(carolPhone.poll(DeliveredTest::isDelivered, QUIET));
    }
  }
}
