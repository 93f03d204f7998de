package io.parley.security;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TcpClient;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import io.parley.user.Rest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A revoked token buys nothing: frames pipelined right behind its hello are never acted on, because
 * no frame after hello is served until the token's revocation state is known.
 */
@Integration
@ExtendWith(TestNodes.class)
class RevokedTokenTest {

  @Test
  void sendsPipelinedBehindARevokedHelloAreNeverStoredOverWebSocket(Node node) throws Exception {
    try (WsClient socket = WsClient.json(node.httpAddress())) {
      pipelineAfterLogout(node, socket);
    }
  }

  @Test
  void sendsPipelinedBehindARevokedHelloAreNeverStoredOverTcp(Node node) throws Exception {
    try (TcpClient socket = new TcpClient(node.tcpAddress())) {
      pipelineAfterLogout(node, socket);
    }
  }

  private static void pipelineAfterLogout(Node node, TestClient attacker) throws Exception {
    Api api = new Api(node.httpAddress());
    String mallory = Ids.user("mallory");
    String peer = Ids.user("peer");
    String token = api.registerAndLogin(mallory);
    String peerToken = api.registerAndLogin(peer);
    String conv = Ids.direct(mallory, peer);
    Api.Response logout = new Rest(node.httpAddress()).call("DELETE", "/sessions", token, null);
    assertEquals(204, logout.status(), logout.toString());

    attacker.send(frame("hello", "rid", "h", "token", token, "device", "stolen"));
    try {
      for (int i = 0; i < 30; i++) {
        attacker.send(
            frame("send", "rid", "s" + i, "conv", conv, "cid", "c" + i, "body", "spam " + i));
      }
    } catch (java.io.IOException closedMidPipeline) {
      // The node may refuse the hello and close the socket before all of it is written: then the
      // rest never reaches it, which is the point. The error, the close and the empty history
      // below are checked either way.
    }
    JsonNode error = attacker.awaitType("error");
    assertEquals("unauthorized", error.get("code").asText(), error.toString());
    assertEquals("h", error.path("rid").asText(null), "the refusal answers the hello");
    attacker.awaitClose();
    for (JsonNode f : attacker.othersSnapshot()) {
      assertTrue(!"sent".equals(f.path("type").asText()), "a send was served: " + f);
    }

    // The peer's view of the conversation: nothing was stored.
    try (WsClient peerSocket = WsClient.json(node.httpAddress())) {
      peerSocket.hello(peerToken, "phone", null);
      List<JsonNode> history = peerSocket.fullHistory(conv);
      assertEquals(List.of(), history, "stored by a revoked token");
    }
  }
}
