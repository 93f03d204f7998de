package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.Api;
import io.parley.testing.Endpoints;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Direct 1:1 messaging end to end: real node, real Cassandra, real WebSocket clients (and all of it
 * again over TLS: {@link DirectMessagingOverTlsTest}).
 */
@Integration
@ExtendWith(TestNodes.class)
class DirectMessagingTest {
  private Endpoints node;
  private Api api;

  @BeforeEach
  void setUp(Endpoints shared) {
    node = shared;
    api = node.api();
  }

  @Test
  void hundredMessagesReachEveryDeviceOfBothMembersInOrderExactlyOnce() throws Exception {
    String alice = Ids.user("alice");
    String bob = Ids.user("bob");
    String aliceToken = api.registerAndLogin(alice);
    String bobToken = api.registerAndLogin(bob);
    String conv = Ids.direct(alice, bob);

    try (WsClient alicePhone = node.json();
        WsClient aliceLaptop = node.json();
        WsClient bobPhone = node.json()) {
      assertEquals("parley.v1.json", alicePhone.subprotocol());
      JsonNode welcome = alicePhone.hello(aliceToken, "phone", null);
      assertEquals(alice, welcome.get("user").asText());
      assertTrue(welcome.get("heartbeat_ms").asLong() > 0);
      aliceLaptop.hello(aliceToken, "laptop", null);
      bobPhone.hello(bobToken, "phone", null);

      for (int i = 1; i <= 100; i++) {
        JsonNode sent = alicePhone.sendText(conv, "c" + i, "hello " + i);
        assertEquals("sent", sent.get("type").asText(), sent.toString());
        assertEquals(i, sent.get("seq").asLong());
        assertEquals("c" + i, sent.get("cid").asText());
      }

      for (WsClient device : List.of(bobPhone, aliceLaptop, alicePhone)) {
        List<JsonNode> msgs = device.awaitMsgs(conv, 100);
        assertEquals(
            IntStream.rangeClosed(1, 100).boxed().toList(),
            msgs.stream().map(m -> (int) m.get("seq").asLong()).toList(),
            "seqs 1..100, in order, each once");
        JsonNode first = msgs.get(0);
        assertEquals(alice, first.get("from").asText());
        assertEquals("c1", first.get("cid").asText());
        assertEquals("hello 1", first.get("body").asText());
        assertEquals("text", first.get("kind").asText());
      }

      // A retried cid gets the original seq and creates nothing: the next real message is 101.
      JsonNode retried = alicePhone.sendText(conv, "c7", "hello 7 again");
      assertEquals(7, retried.get("seq").asLong());
      JsonNode next = alicePhone.sendText(conv, "c101", "hello 101");
      assertEquals(101, next.get("seq").asLong());
      List<JsonNode> bobMsgs = bobPhone.awaitMsgs(conv, 101);
      assertEquals(101, bobMsgs.size(), "no second msg for the retried cid");
      assertEquals("c101", bobMsgs.get(100).get("cid").asText());
    }
  }

  @Test
  void malformedFramesGetBadRequestAndTheSocketKeepsWorking() throws Exception {
    String carol = Ids.user("carol");
    String token = api.registerAndLogin(carol);
    try (WsClient ws = node.json()) {
      ws.hello(token, "d1", null);
      ws.sendRaw("{not json");
      assertEquals("bad_request", ws.awaitType("error").get("code").asText());
      ws.send(TestClient.frame("teleport", "rid", "x1"));
      JsonNode unknown = ws.awaitReply("x1");
      assertEquals("bad_request", unknown.get("code").asText());
      ws.send(TestClient.frame("send", "rid", "x2", "conv", "d:a", "cid", "c1", "body", "hi"));
      assertEquals("bad_request", ws.awaitReply("x2").get("code").asText());
      ws.send(TestClient.frame("ping", "rid", "p1"));
      assertEquals("pong", ws.awaitReply("p1").get("type").asText());
    }
  }

  @Test
  void badTokenGetsUnauthorizedAndClose() throws Exception {
    try (WsClient ws = node.json()) {
      ws.send(TestClient.frame("hello", "token", "not-a-token", "device", "d1"));
      assertEquals("unauthorized", ws.awaitType("error").get("code").asText());
      assertEquals(4401, ws.awaitClose(), "docs/protocol.md's close code for a bad token");
    }
  }

  @Test
  void frameOverTheLimitGetsTooLargeAndOtherSocketsAreUnaffected() throws Exception {
    String dave = Ids.user("dave");
    String erin = Ids.user("erin");
    String daveToken = api.registerAndLogin(dave);
    String erinToken = api.registerAndLogin(erin);
    String conv = Ids.direct(dave, erin);
    try (WsClient daveWs = node.json();
        WsClient erinWs = node.json()) {
      daveWs.hello(daveToken, "d1", null);
      erinWs.hello(erinToken, "d1", null);
      String huge = "x".repeat(100 * 1024);
      daveWs.sendRaw(
          "{\"type\":\"send\",\"rid\":\"big\",\"conv\":\""
              + conv
              + "\",\"cid\":\"big\",\"body\":\""
              + huge
              + "\"}");
      assertEquals("too_large", daveWs.awaitType("error").get("code").asText());

      JsonNode sent = erinWs.sendText(conv, "after-big", "still here");
      assertEquals(1, sent.get("seq").asLong(), "the oversized frame stored nothing");
      assertEquals("after-big", daveWs.awaitMsgs(conv, 1).get(0).get("cid").asText());
    }
  }

  @Test
  void strangerCannotSendIntoADirectConversation() throws Exception {
    String a = Ids.user("amy");
    String b = Ids.user("ben");
    String mallory = Ids.user("mallory");
    String token = api.registerAndLogin(mallory);
    try (WsClient ws = node.json()) {
      ws.hello(token, "d1", null);
      JsonNode reply = ws.sendText(Ids.direct(a, b), "c1", "hi");
      assertEquals("forbidden", reply.get("code").asText());
    }
  }
}
