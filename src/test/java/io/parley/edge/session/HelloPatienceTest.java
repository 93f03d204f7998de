package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.auth.Tokens;
import io.parley.metrics.Metrics;
import io.parley.node.Node;
import io.parley.node.ParleyConfig;
import io.parley.testing.Await;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/**
 * A hello whose user entity does not answer at first is welcomed once it does, on the same socket:
 * an edge node alone has no core node to host user entities (as while a crashed core node's shards
 * wait to move), so its token check times out and is asked again; a core node then joins, the
 * entity answers, and welcome and synced follow.
 */
@Integration
class HelloPatienceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aHelloIsWelcomedOnceItsUserEntityAnswersNotClosed() throws Exception {
    Map<String, Object> edgeOnly = Map.of("parley.node.roles", "edge", "parley.ask-timeout", "1s");
    // Both nodes under the cluster's own system name: seed nodes are named by it.
    try (Node edge = Node.start(TestNodes.config(edgeOnly), ParleyConfig.SYSTEM_NAME);
        WsClient ws = WsClient.json(edge.httpAddress())) {
      String user = Ids.user("patient");
      String token = Tokens.from(TestNodes.config(edgeOnly)).issue(user).token();
      double retriesBefore = Metrics.SESSION_RETRIES.count();
      ws.send(TestClient.frame("hello", "token", token, "device", "phone"));
      // The first ask went unanswered: nothing hosts user entities yet.
      Await.until(
          Metrics.SESSION_RETRIES::count, n -> n > retriesBefore, WAIT, "the token check retried");
      assertFalse(ws.isClosed(), "the socket waits for the entity");

      int seed = Cluster.get(edge.system()).selfMember().address().getPort().orElseThrow();
      try (Node core =
          Node.start(
              TestNodes.config(
                  Map.of(
                      "parley.node.roles",
                      "core",
                      "parley.cluster.self-join",
                      false,
                      "parley.cluster.seed-nodes",
                      "127.0.0.1:" + seed)),
              ParleyConfig.SYSTEM_NAME)) {
        Await.until(() -> upMembers(edge), n -> n == 2, WAIT, "the core node joined");
        ws.awaitType("welcome");
        ws.awaitType("synced");
        assertFalse(ws.isClosed(), "the socket stayed up");
        assertTrue(
            ws.othersSnapshot().stream().noneMatch(f -> "error".equals(f.path("type").asText())),
            ws.othersSnapshot().toString());
      }
    }
  }

  private static long upMembers(Node node) {
    return java.util.stream.StreamSupport.stream(
            Cluster.get(node.system()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }
}
