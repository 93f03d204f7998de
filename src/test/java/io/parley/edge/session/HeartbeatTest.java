package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Heartbeat: a client that pings (protocol pings or WebSocket ping frames) stays connected; one
 * that falls silent is closed after 2 x heartbeat.
 */
@Integration
class HeartbeatTest {

  @Test
  void silentConnectionsAreClosedAndPingingOnesStay() throws Exception {
    try (Node node = TestNodes.start(Map.of("parley.session.heartbeat", "1s"))) {
      Api api = new Api(node.httpAddress());
      String token = api.registerAndLogin(Ids.user("beat"));
      ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
      try (WsClient pinging = WsClient.json(node.httpAddress());
          WsClient silent = WsClient.json(node.httpAddress());
          WsClient framePinging = WsClient.json(node.httpAddress())) {
        JsonNode welcome = pinging.hello(token, "a", null);
        assertEquals(1000, welcome.get("heartbeat_ms").asLong());
        silent.hello(token, "b", null);
        framePinging.hello(token, "c", null);
        // The pinging client behaves as the protocol asks: a ping every half heartbeat.
        AtomicInteger beats = new AtomicInteger();
        pinger.scheduleAtFixedRate(
            () -> {
              try {
                pinging.send(TestClient.frame("ping"));
                framePinging.sendPingFrame("beat-" + beats.incrementAndGet());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            0,
            500,
            TimeUnit.MILLISECONDS);
        silent.awaitClose();
        assertEquals(
            "bad_request",
            silent.awaitType("error").get("code").asText(),
            "told why before the close");
        assertFalse(
            pinging.isClosed(), "the pinging client outlived the silent one's 2 x heartbeat");
        // Ping frames only since its hello: five more beats (2.5 s) take it past its own
        // 2 x heartbeat whatever the two sockets' timers did; a close ends the wait with a failure.
        framePinging.awaitPongFrame("beat-" + (beats.get() + 5));
        assertFalse(framePinging.isClosed(), "WebSocket ping frames count as traffic too");
        pinging.send(TestClient.frame("ping", "rid", "still"));
        assertEquals("pong", pinging.awaitReply("still").get("type").asText());
      } finally {
        pinger.shutdownNow();
      }
    }
  }

  @Test
  void aSessionClosesWhenItsTokenExpiresTicksAfterHello() throws Exception {
    // Expiry is several ticks (half a heartbeat each) after hello: the tick arms its timer.
    Map<String, Object> config =
        Map.of("parley.session.heartbeat", "1s", "parley.auth.token-ttl", "3s");
    try (Node node = TestNodes.start(config)) {
      Api api = new Api(node.httpAddress());
      String token = api.registerAndLogin(Ids.user("expiring"));
      ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
      try (WsClient client = WsClient.json(node.httpAddress())) {
        client.hello(token, "a", null);
        pinger.scheduleAtFixedRate(
            () -> {
              try {
                client.send(TestClient.frame("ping"));
              } catch (Exception closed) {
                throw new IllegalStateException(closed);
              }
            },
            0,
            500,
            TimeUnit.MILLISECONDS);
        assertEquals(4401, client.awaitClose(), "closed as unauthorized");
        JsonNode error = client.awaitType("error");
        assertEquals("unauthorized", error.get("code").asText());
        assertEquals("token expired; log in again", error.get("message").asText());
      } finally {
        pinger.shutdownNow();
      }
    }
  }
}
