package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.metrics.Metrics;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Both members fire their sends without waiting for replies, so most of them queue in the
 * conversation behind a write and are stored together with the next one (docs/benchmarks.md,
 * "Queued posts share a write"), here with bodies near the size limit, on the real Cassandra
 * journal. Each post still gets one seq of its own, in each sender's order, a retry its original's,
 * and the stored history holds every body once, whole, at its acked seq.
 */
@Integration
@ExtendWith(TestNodes.class)
class PipelinedSendsTest {
  private static final int PER_SENDER = 100;
  // Bodies at the limit, so that a shared write holds the largest posts there can be.
  private static final int BODY_BYTES =
      TestNodes.config(Map.of()).getInt("parley.limits.max-body-bytes");

  @Test
  void pipelinedSendsFromBothMembersAreStoredWholeInSenderOrderOnceEach(Node node)
      throws Exception {
    Api api = new Api(node.httpAddress());
    String ann = Ids.user("ann");
    String bob = Ids.user("bob");
    String conv = Ids.direct(ann, bob);
    try (WsClient a = api.phone(ann);
        WsClient b = api.phone(bob)) {
      assertEquals(1, a.sentSeq(conv, "first", "links the conversation"));

      double writesBefore = Metrics.JOURNAL_WRITE.count();
      Map<String, String> bodies = new HashMap<>();
      for (int i = 0; i < PER_SENDER; i++) {
        send(a, conv, "a" + i, "r-a" + i, bodies);
        send(b, conv, "b" + i, "r-b" + i, bodies);
        if (i == 10) send(a, conv, "a10", "r-a10-retry", bodies);
      }

      Map<String, Long> seqOf = new HashMap<>();
      long lastA = 1;
      long lastB = 1;
      for (int i = 0; i < PER_SENDER; i++) {
        long seqA = sent(a, "r-a" + i);
        long seqB = sent(b, "r-b" + i);
        assertTrue(
            seqA > lastA, "ann's sends keep her order: a" + i + " got " + seqA + " after " + lastA);
        assertTrue(
            seqB > lastB, "bob's sends keep his order: b" + i + " got " + seqB + " after " + lastB);
        lastA = seqA;
        lastB = seqB;
        seqOf.put("a" + i, seqA);
        seqOf.put("b" + i, seqB);
      }
      assertEquals(seqOf.get("a10"), sent(a, "r-a10-retry"), "a retry gets its original's seq");
      Set<Long> seqs = new HashSet<>(seqOf.values());
      assertEquals(2 * PER_SENDER, seqs.size(), "one seq per post");
      assertEquals(2L, seqs.stream().mapToLong(Long::longValue).min().orElseThrow());
      assertEquals(
          1L + 2 * PER_SENDER, seqs.stream().mapToLong(Long::longValue).max().orElseThrow());

      List<JsonNode> history = a.fullHistory(conv);
      assertEquals(1 + 2 * PER_SENDER, history.size(), "stored once each, nothing lost");
      for (int i = 0; i < history.size(); i++) {
        JsonNode entry = history.get(i);
        assertEquals(i + 1, entry.get("seq").asLong(), "history in seq order, no gaps");
        String cid = entry.get("cid").asText();
        if (i == 0) continue;
        assertEquals(seqOf.get(cid), entry.get("seq").asLong(), cid + " stored at its acked seq");
        assertEquals(bodies.get(cid), entry.get("body").asText(), cid + " stored whole");
      }
      // The node is in this JVM; its journal-write timer counts writes, not posts.
      double writes = Metrics.JOURNAL_WRITE.count() - writesBefore;
      assertTrue(writes < 2 * PER_SENDER, "queued posts shared writes: " + writes + " writes");
    }
  }

  private static void send(
      WsClient client, String conv, String cid, String rid, Map<String, String> bodies)
      throws Exception {
    String body = bodies.computeIfAbsent(cid, c -> (c + ":").repeat(BODY_BYTES / (c.length() + 1)));
    client.send(
        TestClient.frame(
            "send", "rid", rid, "conv", conv, "cid", cid, "kind", "text", "body", body));
  }

  private static long sent(WsClient client, String rid) throws Exception {
    JsonNode reply = client.awaitReply(rid);
    assertEquals("sent", reply.path("type").asText(), rid + ": " + reply);
    return reply.get("seq").asLong();
  }
}
