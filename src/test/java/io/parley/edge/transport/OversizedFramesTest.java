package io.parley.edge.transport;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.testing.Endpoints;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TcpClient;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A frame over the limit (64 KiB) is answered too_large with its rid when the rid is among its
 * first 1 KiB (parley.limits.oversize-rid-scan-bytes), and without one otherwise; the connection
 * stays open, on WebSocket (JSON text, CBOR binary) and raw TCP alike.
 */
@Integration
@ExtendWith(TestNodes.class)
class OversizedFramesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MEGABYTE = "x".repeat(1024 * 1024);

  /** A 1 MiB send; its rid before the body when {@code ridFirst}, else after it. */
  private static ObjectNode hugeSend(String conv, String rid, boolean ridFirst) {
    ObjectNode send = JSON.createObjectNode();
    if (ridFirst) send.put("rid", rid);
    send.put("type", "send").put("conv", conv).put("cid", rid).put("body", MEGABYTE);
    if (!ridFirst) send.put("rid", rid);
    return send;
  }

  @Test
  void aMegabyteFrameOnAWebSocketGetsTooLargeWithItsRid(Endpoints node) throws Exception {
    for (boolean cbor : new boolean[] {false, true}) {
      // JSON in a text frame, or CBOR in a binary one (the client encodes for its subprotocol).
      try (WsClient ws = cbor ? node.cbor() : node.json()) {
        String conv = helloed(node, ws);
        ws.send(hugeSend(conv, "first-" + cbor, true));
        assertTooLarge(ws.awaitReply("first-" + cbor));
        ws.send(hugeSend(conv, "late-" + cbor, false));
        assertTooLargeWithoutRid(ws);
        assertStillOpen(ws);
      }
    }
  }

  @Test
  void aMegabyteTcpFrameGetsTooLargeWithItsRidAndTheConnectionStaysOpen(Endpoints node)
      throws Exception {
    try (TcpClient tcp = node.tcp()) {
      // Before hello too: the answer needs no session.
      tcp.sendRaw(JSON.writeValueAsBytes(hugeSend("d:a:b", "early", true)));
      assertTooLarge(tcp.awaitReply("early"));
      String conv = helloed(node, tcp);
      tcp.sendRaw(JSON.writeValueAsBytes(hugeSend(conv, "tcp-first", true)));
      assertTooLarge(tcp.awaitReply("tcp-first"));
      tcp.sendRaw(JSON.writeValueAsBytes(hugeSend(conv, "tcp-late", false)));
      assertTooLargeWithoutRid(tcp);
      // A frame just over the limit and one under it back to back: read apart.
      String over = "{\"rid\":\"edge\",\"pad\":\"" + "y".repeat(65536) + "\"}";
      tcp.sendRaw(over.getBytes(StandardCharsets.UTF_8));
      tcp.send(frame("ping", "rid", "next"));
      assertTooLarge(tcp.awaitReply("edge"));
      assertEquals("pong", tcp.awaitReply("next").get("type").asText());
      assertStillOpen(tcp);
    }
  }

  @Test
  void aTcpLengthOf2GibOrMoreIsNoFrameAndClosesTheConnection(Endpoints node) throws Exception {
    try (TcpClient tcp = node.tcp()) {
      helloed(node, tcp);
      tcp.sendRaw(new byte[0]); // an empty frame first: bad_request, still open
      assertEquals("bad_request", tcp.awaitType("error").get("code").asText());
      tcp.sendPrefix(0x80000000);
      tcp.awaitClose();
    }
  }

  /** Says hello as a new user; returns a direct conversation of theirs. */
  private static String helloed(Endpoints node, TestClient client) throws Exception {
    String user = Ids.user("olga");
    client.hello(node.api().registerAndLogin(user), "d1", null);
    return Ids.direct(user, Ids.user("peer"));
  }

  private static void assertTooLarge(JsonNode reply) {
    assertEquals("error", reply.get("type").asText(), reply.toString());
    assertEquals("too_large", reply.get("code").asText(), reply.toString());
  }

  private static void assertTooLargeWithoutRid(TestClient client) throws Exception {
    JsonNode error = client.awaitType("error");
    assertTooLarge(error);
    assertFalse(error.has("rid"), "the rid was past the first 1 KiB: " + error);
  }

  private static void assertStillOpen(TestClient client) throws Exception {
    client.send(frame("ping", "rid", "after"));
    assertEquals("pong", client.awaitReply("after").get("type").asText());
  }
}
