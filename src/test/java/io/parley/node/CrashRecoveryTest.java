package io.parley.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.Api;
import io.parley.testing.ChildNode;
import io.parley.testing.DeliveryChecker;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.WsClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node process is SIGKILLed while a client has sends in flight; the client retries every
 * unanswered send with the same cid once a node is back. The checker then finds every acked cid in
 * history exactly once, one seq per cid, no gaps, and each device, reconnecting with its cursor,
 * converges to the full timeline.
 */
@Integration
class CrashRecoveryTest {
  private static final int TOTAL = 200;
  private static final int IN_FLIGHT_AT_CRASH = 60;

  @Test
  void sendsRetriedWithTheSameCidAfterAKillAreStoredExactlyOnce() throws Exception {
    ChildNode.Ports ports = ChildNode.Ports.free();
    String alice = Ids.user("alice");
    String bob = Ids.user("bob");
    String conv = Ids.direct(alice, bob);
    DeliveryChecker checker = new DeliveryChecker(conv);
    Map<String, WsClient> sockets = new LinkedHashMap<>();
    String aliceToken;
    String bobToken;

    try (ChildNode first = ChildNode.start(ports, Map.of())) {
      Api api = new Api(first.httpAddress());
      aliceToken = api.registerAndLogin(alice);
      bobToken = api.registerAndLogin(bob);
      WsClient sender = WsClient.json(first.httpAddress());
      sender.hello(aliceToken, "phone", null);
      for (String device : List.of("phone", "laptop")) {
        WsClient ws = WsClient.json(first.httpAddress());
        ws.hello(bobToken, device, null);
        sockets.put(device + "#1", ws);
      }
      for (int i = 1; i <= IN_FLIGHT_AT_CRASH; i++) {
        checker.attempted(alice, "c" + i);
        sender.send(send(conv, i));
      }
      // Kill once the timeline is being written, so that some sends are stored but unanswered.
      int marker = IN_FLIGHT_AT_CRASH / 4;
      JsonNode markerReply = sender.awaitReply("r" + marker);
      first.kill();
      int ackedBeforeCrash = 0;
      for (int i = 1; i <= IN_FLIGHT_AT_CRASH; i++) {
        JsonNode reply = i == marker ? markerReply : replyIfAny(sender, "r" + i);
        if (reply != null && "sent".equals(reply.path("type").asText())) {
          checker.acked(alice, "c" + i, reply.get("seq").asLong());
          ackedBeforeCrash++;
        }
      }
      System.out.printf(
          "%d of %d in-flight sends were acked before the kill%n",
          ackedBeforeCrash, IN_FLIGHT_AT_CRASH);
      sender.close();
    }

    try (ChildNode second = ChildNode.start(ports, Map.of());
        WsClient sender = WsClient.json(second.httpAddress())) {
      sender.hello(aliceToken, "phone", null);
      // Retry everything (same cid): acked ones must come back with their original seq.
      for (int i = 1; i <= TOTAL; i++) {
        checker.attempted(alice, "c" + i);
        sender.send(send(conv, i));
      }
      long maxSeq = 0;
      for (int i = 1; i <= TOTAL; i++) {
        JsonNode reply = sender.awaitReply("r" + i);
        assertTrue("sent".equals(reply.path("type").asText()), reply.toString());
        checker.acked(alice, "c" + i, reply.get("seq").asLong());
        maxSeq = Math.max(maxSeq, reply.get("seq").asLong());
      }

      for (String device : List.of("phone", "laptop")) {
        List<JsonNode> before = sockets.get(device + "#1").msgs(conv);
        long cursor = before.isEmpty() ? 0 : before.get(before.size() - 1).get("seq").asLong();
        WsClient ws = WsClient.json(second.httpAddress());
        ws.hello(bobToken, device, Map.of(conv, cursor));
        ws.awaitMsgs(conv, (int) (maxSeq - cursor));
        sockets.put(device + "#2", ws);
      }

      for (JsonNode m : sender.fullHistory(conv)) {
        checker.stored(m.get("seq").asLong(), m.get("from").asText(), m.get("cid").asText());
      }
      sockets.forEach(
          (label, ws) ->
              ws.msgs(conv)
                  .forEach(
                      m ->
                          checker.received(
                              label,
                              m.get("seq").asLong(),
                              m.get("from").asText(),
                              m.get("cid").asText())));
      checker.expectComplete("phone#1", "phone#2");
      checker.expectComplete("laptop#1", "laptop#2");
      DeliveryChecker.Report report = checker.check();
      System.out.println(report);
      assertTrue(report.ok(), report.toString());
      assertTrue(report.lost().isEmpty() && report.counts().maxSeq() == TOTAL, report.toString());
    } finally {
      for (WsClient ws : sockets.values()) ws.close();
    }
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode send(String conv, int i) {
    return TestClient.frame("send", "rid", "r" + i, "conv", conv, "cid", "c" + i, "body", "m" + i);
  }

  /** The reply if it arrived before the socket died, else null (the outcome is unknown). */
  private static JsonNode replyIfAny(WsClient client, String rid) throws InterruptedException {
    try {
      return client.awaitReply(rid);
    } catch (AssertionError closedWithoutReply) {
      return null;
    }
  }
}
