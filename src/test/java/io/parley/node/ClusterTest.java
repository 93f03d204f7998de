package io.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.parley.testing.Api;
import io.parley.testing.ChildNode;
import io.parley.testing.DeliveryChecker;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.junit.jupiter.api.Test;

/**
 * Four node processes on one real Cassandra: two core-only nodes and two edge-only nodes. Alice is
 * on edge A, Bob on edge B. The core node holding their conversation leaves (SIGTERM: it hands its
 * shards off) while Alice sends, retrying unanswered sends with the same cid. Then edge A is
 * stopped with SIGTERM and Alice moves to edge B.
 *
 * <p>The bound we state: after the core node is stopped, sending succeeds again within {@link
 * #RESUME_BOUND} (shard hand-off plus recovery of the entity on the other core node).
 */
@Integration
class ClusterTest {
  static final Duration RESUME_BOUND = Duration.ofSeconds(20);
  private static final int BEFORE = 40;
  private static final int AFTER = 40;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void coreNodeLeavesMidStreamAndEdgeNodeDrainsWithoutLossOrDroppedSockets() throws Exception {
    ChildNode.Ports core1Ports = ChildNode.Ports.free();
    ChildNode.Ports core2Ports = ChildNode.Ports.free();
    ChildNode.Ports edgeAPorts = ChildNode.Ports.free();
    ChildNode.Ports edgeBPorts = ChildNode.Ports.free();
    String seed = "127.0.0.1:" + core1Ports.remote();
    List<ChildNode> nodes = new ArrayList<>();
    List<WsClient> sockets = new ArrayList<>();
    try {
      ChildNode core1 = ChildNode.start(core1Ports, env("core", seed, true));
      nodes.add(core1);
      ChildNode core2 = ChildNode.start(core2Ports, env("core", seed, false));
      nodes.add(core2);
      ChildNode edgeA = ChildNode.start(edgeAPorts, env("edge", seed, false));
      nodes.add(edgeA);
      ChildNode edgeB = ChildNode.start(edgeBPorts, env("edge", seed, false));
      nodes.add(edgeB);
      core1.awaitMembersUp(4, core1Ports.management());

      Api api = new Api(edgeA.httpAddress());
      String alice = Ids.user("alice");
      String bob = Ids.user("bob");
      String aliceToken = api.registerAndLogin(alice);
      String bobToken = api.registerAndLogin(bob);
      String conv = Ids.direct(alice, bob);
      DeliveryChecker checker = new DeliveryChecker(conv);

      WsClient aliceWs = WsClient.json(edgeA.httpAddress());
      sockets.add(aliceWs);
      aliceWs.hello(aliceToken, "phone", null);
      WsClient bobWs = WsClient.json(edgeB.httpAddress());
      sockets.add(bobWs);
      bobWs.hello(bobToken, "phone", null);

      for (int i = 1; i <= BEFORE; i++) sendUntilStored(aliceWs, checker, alice, conv, i);

      ChildNode holder = holderOf(conv, core1, core1Ports, core2, core2Ports);
      long stopAt = System.nanoTime();
      Thread stopper = new Thread(() -> closeQuietly(holder), "stop-core");
      stopper.start();
      long longestWait = 0;
      for (int i = BEFORE + 1; i <= BEFORE + AFTER; i++) {
        long started = System.nanoTime();
        sendUntilStored(aliceWs, checker, alice, conv, i);
        longestWait = Math.max(longestWait, System.nanoTime() - started);
      }
      stopper.join();
      System.out.printf(
          "core node stopped; the slowest send took %d ms (bound %d ms); all %d sends done %d ms after the stop%n",
          longestWait / 1_000_000,
          RESUME_BOUND.toMillis(),
          AFTER,
          (System.nanoTime() - stopAt) / 1_000_000);
      assertTrue(
          Duration.ofNanos(longestWait).compareTo(RESUME_BOUND) < 0,
          "sending resumed within the bound");
      assertFalse(
          aliceWs.isClosed() || bobWs.isClosed(), "no client socket dropped when core left");

      // Edge A drains: Alice is told to reconnect, and does so on edge B with her cursor.
      edgeA.close();
      JsonNode goAway = aliceWs.awaitType("error");
      assertEquals("unavailable", goAway.get("code").asText(), goAway.toString());
      aliceWs.awaitClose();
      List<JsonNode> aliceSeen = aliceWs.msgs(conv);
      long cursor =
          aliceSeen.isEmpty() ? 0 : aliceSeen.get(aliceSeen.size() - 1).get("seq").asLong();
      WsClient aliceAgain = WsClient.json(edgeB.httpAddress());
      sockets.add(aliceAgain);
      aliceAgain.hello(aliceToken, "phone", Map.of(conv, cursor));
      int total = BEFORE + AFTER + 10;
      for (int i = BEFORE + AFTER + 1; i <= total; i++)
        sendUntilStored(aliceAgain, checker, alice, conv, i);

      bobWs.awaitMsgs(conv, total);
      aliceAgain.awaitMsgs(conv, (int) (total - cursor));
      for (JsonNode m : aliceAgain.fullHistory(conv)) {
        checker.stored(m.get("seq").asLong(), m.get("from").asText(), m.get("cid").asText());
      }
      record(checker, "bob", bobWs, conv);
      record(checker, "alice#1", aliceWs, conv);
      record(checker, "alice#2", aliceAgain, conv);
      checker.expectComplete("bob");
      checker.expectComplete("alice#1", "alice#2");
      DeliveryChecker.Report report = checker.check();
      System.out.println(report);
      assertTrue(report.ok(), report.toString());
      assertEquals(total, report.counts().maxSeq(), report.toString());
      assertFalse(bobWs.isClosed(), "bob's socket on edge B stayed open throughout");
    } finally {
      for (WsClient ws : sockets) ws.close();
      for (ChildNode node : nodes) node.kill();
    }
  }

  private static Map<String, String> env(String roles, String seed, boolean applySchema) {
    return Map.of(
        "PARLEY_ROLES",
        roles,
        "PARLEY_SEED_NODES",
        seed,
        "PARLEY_SELF_JOIN",
        "off",
        "PARLEY_APPLY_SCHEMA",
        applySchema ? "on" : "off",
        "PARLEY_SESSION_REFRESH",
        "3s");
  }

  /**
   * Sends cid i until a {@code sent} comes back, retrying with the same cid `unavailable` (nothing
   * stored) and `internal` (outcome unknown: no answer by the send's deadline and the longest
   * write).
   */
  private static void sendUntilStored(
      WsClient ws, DeliveryChecker checker, String from, String conv, int i) throws Exception {
    String cid = "c" + i;
    checker.attempted(from, cid);
    for (int attempt = 1; ; attempt++) {
      String rid = cid + "-" + attempt;
      ws.send(TestClient.frame("send", "rid", rid, "conv", conv, "cid", cid, "body", "m" + i));
      JsonNode reply = ws.awaitReply(rid);
      if ("sent".equals(reply.path("type").asText())) {
        checker.acked(from, cid, reply.get("seq").asLong());
        return;
      }
      assertTrue(
          Set.of("unavailable", "internal").contains(reply.path("code").asText()),
          "only unavailable and internal may be retried: " + reply);
      if (attempt > 50) throw new AssertionError("send " + cid + " never stored");
    }
  }

  /** The core node whose Conversation shard region hosts conv's shard (Pekko Management). */
  private static ChildNode holderOf(
      String conv, ChildNode a, ChildNode.Ports aPorts, ChildNode b, ChildNode.Ports bPorts)
      throws Exception {
    // Sharding's own extractor, with the shard count the nodes run with (not a copy of its
    // formula).
    int shards =
        ParleyConfig.load(ConfigFactory.empty()).getInt("pekko.cluster.sharding.number-of-shards");
    String shard = new HashCodeMessageExtractor<Object>(shards).shardId(conv);
    HttpClient http = HttpClient.newHttpClient();
    for (var candidate : List.of(Map.entry(a, aPorts), Map.entry(b, bPorts))) {
      var request =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:"
                          + candidate.getValue().management()
                          + "/cluster/shards/Conversation"))
              .build();
      JsonNode stats =
          JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
      // Pekko Management answers {"regions":[{"shardId":"123","numEntities":1},...]} for this node.
      for (JsonNode region : stats.path("regions")) {
        if (shard.equals(region.path("shardId").asText())) return candidate.getKey();
      }
    }
    throw new AssertionError("no core node reports shard " + shard + " of " + conv);
  }

  private static void record(DeliveryChecker checker, String label, WsClient ws, String conv) {
    ws.msgs(conv)
        .forEach(
            m ->
                checker.received(
                    label, m.get("seq").asLong(), m.get("from").asText(), m.get("cid").asText()));
  }

  private static void closeQuietly(ChildNode node) {
    try {
      node.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
