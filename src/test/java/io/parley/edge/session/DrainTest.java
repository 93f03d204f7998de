package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A node going down tells its clients to reconnect elsewhere over parley.shutdown.drain-spread, not
 * in one instant: the clients told last are told no earlier than their share of the spread, so the
 * other edges see the reconnects arrive over seconds rather than as one stampede.
 */
@Integration
class DrainTest {
  private static final int CLIENTS = 8;
  private static final Duration SPREAD = Duration.ofSeconds(4);

  @Test
  void clientsAreToldToGoOverTheSpreadNotAllAtOnce() throws Exception {
    List<WsClient> clients = new ArrayList<>();
    Node node =
        TestNodes.start(
            Map.of(
                "parley.shutdown.drain-spread", SPREAD.toMillis() + "ms",
                "parley.shutdown.drain-timeout", "20s",
                "pekko.coordinated-shutdown.phases.service-requests-done.timeout", "25s"));
    try {
      Api api = new Api(node.httpAddress());
      for (int i = 0; i < CLIENTS; i++) clients.add(api.phone(Ids.user("drain")));
      long start = System.nanoTime();
      CompletableFuture<Void> stopped =
          CompletableFuture.runAsync(
              () -> {
                try {
                  node.close();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      List<Long> closedAfter = new ArrayList<>();
      for (WsClient client : clients) {
        assertEquals("unavailable", client.awaitType("error").path("code").asText());
        client.awaitClose();
        closedAfter.add(client.closedAtNanos() - start);
      }
      stopped.join();
      long last = closedAfter.stream().mapToLong(Long::longValue).max().orElseThrow();
      long first = closedAfter.stream().mapToLong(Long::longValue).min().orElseThrow();
      // The last slice is scheduled at (CLIENTS - 1) / CLIENTS of the spread: it cannot come
      // sooner, however loaded the machine.
      long lastSlice = SPREAD.toNanos() * (CLIENTS - 1) / CLIENTS;
      assertTrue(
          last >= lastSlice,
          "the last client was told to go after " + last / 1_000_000 + " ms, before its slice");
      assertTrue(
          last - first >= SPREAD.toNanos() / 2,
          "closes spread over " + (last - first) / 1_000_000 + " ms only");
    } finally {
      clients.forEach(WsClient::close);
    }
  }
}
