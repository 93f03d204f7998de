package io.parley.security;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pipelined history requests cannot pin page after page in one session: past
 * parley.session.max-history-in-flight (4) they are refused at once, and every rid still gets
 * exactly one reply.
 */
@Integration
@ExtendWith(TestNodes.class)
class HistoryInFlightTest {
  private static final int REQUESTS = 40;

  @Test
  void historyRequestsBeyondTheInFlightCapAreRateLimited(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String reader = Ids.user("reader");
    String other = Ids.user("other");
    api.registerAndLogin(other);
    String conv = Ids.direct(reader, other);
    try (WsClient ws = api.phone(reader)) {
      ws.sentSeq(conv, "only", "hello");
      for (int i = 0; i < REQUESTS; i++) {
        ws.send(frame("history", "rid", "h" + i, "conv", conv, "limit", 200));
      }
      int pages = 0;
      int refused = 0;
      for (int i = 0; i < REQUESTS; i++) {
        JsonNode reply = ws.awaitReply("h" + i);
        if ("history".equals(reply.path("type").asText())) pages++;
        else if ("rate_limited".equals(reply.path("code").asText())) refused++;
      }
      assertEquals(REQUESTS, pages + refused);
      assertTrue(pages >= 4, pages + " pages");
      assertTrue(refused > 0, "none of " + REQUESTS + " pipelined history requests was refused");
      // Answered ones free their slots: the session serves history again.
      ws.send(frame("history", "rid", "later", "conv", conv));
      assertEquals("history", ws.awaitReply("later").path("type").asText());
    }
  }
}
