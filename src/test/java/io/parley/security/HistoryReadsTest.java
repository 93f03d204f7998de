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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Many sessions asking for history at once share a node-wide bound on journal reads
 * (parley.limits.max-history-reads-in-flight): beyond it a request is `unavailable` at once, and
 * every rid still gets exactly one reply.
 */
@Integration
class HistoryReadsTest {
  private static final int SOCKETS = 8;
  private static final int PER_SOCKET = 4;

  @Test
  void historyReadsBeyondTheNodesBoundAreUnavailableAndEveryRequestIsAnswered() throws Exception {
    try (Node node = TestNodes.start(Map.of("parley.limits.max-history-reads-in-flight", 1))) {
      Api api = new Api(node.httpAddress());
      String writer = Ids.user("writer");
      String reader = Ids.user("reader");
      String readerToken = api.registerAndLogin(reader);
      String conv = Ids.direct(writer, reader);
      List<WsClient> sockets = new ArrayList<>();
      try (WsClient w = api.phone(writer)) {
        for (int i = 0; i < 50; i++) w.sentSeq(conv, "m" + i, "entry " + i);
        for (int s = 0; s < SOCKETS; s++) {
          WsClient ws = WsClient.json(node.httpAddress());
          sockets.add(ws);
          ws.hello(readerToken, "d" + s, null);
        }
        for (WsClient ws : sockets) {
          for (int i = 0; i < PER_SOCKET; i++)
            ws.send(frame("history", "rid", "h" + i, "conv", conv, "limit", 50));
        }
        int pages = 0;
        int busy = 0;
        for (WsClient ws : sockets) {
          for (int i = 0; i < PER_SOCKET; i++) {
            JsonNode reply = ws.awaitReply("h" + i);
            if ("history".equals(reply.path("type").asText())) pages++;
            else if ("unavailable".equals(reply.path("code").asText())) busy++;
          }
        }
        assertEquals(SOCKETS * PER_SOCKET, pages + busy);
        assertTrue(pages >= 1, "no page was read");
        assertTrue(busy >= 1, "all " + pages + " pages were read at once with a bound of 1");
      } finally {
        for (WsClient ws : sockets) ws.close();
      }
    }
  }
}
