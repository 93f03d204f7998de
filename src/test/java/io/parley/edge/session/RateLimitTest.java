package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-connection send limit, on a node with the production defaults (20/s, burst 50). */
@Integration
class RateLimitTest {

  @Test
  void sendsOverTheLimitAreRejectedAndNotStored() throws Exception {
    try (Node node =
        TestNodes.start(Map.of("parley.limits.send-rate", 20, "parley.limits.send-burst", 50))) {
      Api api = new Api(node.httpAddress());
      String fay = Ids.user("fay");
      String gil = Ids.user("gil");
      String token = api.registerAndLogin(fay);
      api.registerAndLogin(gil);
      String conv = Ids.direct(fay, gil);
      try (WsClient ws = WsClient.json(node.httpAddress())) {
        ws.hello(token, "d1", null);
        // Fired without waiting for replies: far more than the burst arrive within a second.
        for (int i = 0; i < 120; i++) {
          ws.send(
              TestClient.frame("send", "rid", "r" + i, "conv", conv, "cid", "c" + i, "body", "x"));
        }
        long stored = 0;
        long limited = 0;
        long maxSeq = 0;
        for (int i = 0; i < 120; i++) {
          JsonNode reply = ws.awaitReply("r" + i);
          if ("rate_limited".equals(reply.path("code").asText())) limited++;
          if ("sent".equals(reply.path("type").asText())) {
            stored++;
            maxSeq = Math.max(maxSeq, reply.get("seq").asLong());
          }
        }
        assertEquals(120, stored + limited);
        assertTrue(stored >= 50, "the burst of 50 went through, got " + stored);
        assertTrue(limited > 0, "some sends were rate limited");
        assertEquals(stored, maxSeq, "rejected sends stored nothing: seqs stay dense");
      }
    }
  }
}
