package io.parley.edge.session;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.testing.Endpoints;
import io.parley.testing.Integration;
import io.parley.testing.TcpClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the contract (docs/protocol.md, Part 1) says each request is answered, on the real node and
 * over every transport: a hello without a token is unauthorized and closes the socket.
 */
@Integration
@ExtendWith(TestNodes.class)
class ContractRepliesTest {

  /** Hellos whose token is missing, empty or not a string. */
  private static List<ObjectNode> tokenlessHellos() {
    return List.of(
        frame("hello", "rid", "h", "device", "d1"),
        frame("hello", "rid", "h", "token", "", "device", "d1"),
        frame("hello", "rid", "h", "token", 42, "device", "d1"),
        frame("hello", "rid", "h", "token", List.of("t"), "device", "d1"),
        frame("hello", "rid", "h", "token", null, "device", "d1"));
  }

  @Test
  void aHelloWithoutATokenIsUnauthorizedAndClosesTheWebSocketWith4401(Endpoints node)
      throws Exception {
    for (ObjectNode hello : tokenlessHellos()) {
      for (boolean cbor : new boolean[] {false, true}) {
        try (WsClient ws = cbor ? node.cbor() : node.json()) {
          ws.send(hello);
          assertUnauthorized(ws.awaitType("error"), hello);
          assertEquals(4401, ws.awaitClose(), hello + " (cbor " + cbor + ")");
        }
      }
    }
  }

  @Test
  void aHelloWithoutATokenIsUnauthorizedAndClosesTheTcpSocket(Endpoints node) throws Exception {
    for (ObjectNode hello : tokenlessHellos()) {
      try (TcpClient tcp = node.tcp()) {
        tcp.send(hello);
        assertUnauthorized(tcp.awaitType("error"), hello);
        tcp.awaitClose();
      }
    }
  }

  private static void assertUnauthorized(JsonNode error, ObjectNode hello) {
    assertEquals("unauthorized", error.get("code").asText(), hello.toString());
  }
}
