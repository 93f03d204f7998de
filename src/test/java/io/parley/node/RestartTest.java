package io.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Stop a node (Cassandra keeps running), start another: the timeline is intact and continues. */
@Integration
class RestartTest {

  @Test
  void historyAndSeqSurviveANodeRestart() throws Exception {
    String alice = Ids.user("alice");
    String bob = Ids.user("bob");
    String conv = Ids.direct(alice, bob);
    String token;

    try (Node first = TestNodes.start(Map.of())) {
      Api api = new Api(first.httpAddress());
      token = api.registerAndLogin(alice);
      api.registerAndLogin(bob);
      try (WsClient ws = WsClient.json(first.httpAddress())) {
        ws.hello(token, "phone", null);
        for (int i = 1; i <= 100; i++) {
          assertEquals(i, ws.sentSeq(conv, "m" + i, "before restart " + i));
        }
      }
    }

    try (Node second = TestNodes.start(Map.of());
        WsClient ws = WsClient.json(second.httpAddress())) {
      // The token was signed before the restart with the shared secret: still valid.
      JsonNode welcome = ws.hello(token, "phone", null);
      assertEquals(alice, welcome.get("user").asText());

      List<Long> seqs = new java.util.ArrayList<>();
      Long before = null;
      boolean hasMore = true;
      while (hasMore) {
        String rid = "h" + seqs.size();
        var request = TestClient.frame("history", "rid", rid, "conv", conv, "limit", 40);
        if (before != null) request.put("before", before);
        ws.send(request);
        JsonNode page = ws.awaitReply(rid);
        assertEquals("history", page.get("type").asText(), page.toString());
        List<Long> pageSeqs = new java.util.ArrayList<>();
        page.get("messages").forEach(m -> pageSeqs.add(m.get("seq").asLong()));
        assertFalse(pageSeqs.isEmpty());
        seqs.addAll(0, pageSeqs);
        before = pageSeqs.get(0);
        hasMore = page.get("has_more").asBoolean();
      }
      assertEquals(LongStream.rangeClosed(1, 100).boxed().toList(), seqs);

      assertEquals(101, ws.sentSeq(conv, "after", "after restart"));
      assertEquals(5, ws.sentSeq(conv, "m5", "a retry from before the restart"));
    }
  }
}
