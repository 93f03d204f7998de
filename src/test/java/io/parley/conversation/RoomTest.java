package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.metrics.Metrics;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A live room with 2,000 sockets on one node receives a burst of 100 messages.
 *
 * <p>Design under test: the room entity sends each entry once to each subscribed edge node (here:
 * one); the node's room registry receives it once, encodes it once per codec and puts it in each
 * joined socket's outbound queue. So the counters must show 100 fan-outs and 100 node deliveries
 * for 100 entries, however large the audience: only the socket writes (the bytes each socket must
 * get anyway) grow with it, and no per-member message crosses core.
 */
@Integration
@ExtendWith(TestNodes.class)
class RoomTest {
  private static final int USERS = 20;
  private static final int DEVICES = 100;
  private static final int BURST = 100;

  @Test
  void twoThousandSocketsGetABurstWithFanOutOncePerNode(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String room = "r:live-" + Ids.user("x").substring(2);
    List<String> tokens = new ArrayList<>();
    for (int u = 0; u < USERS; u++) tokens.add(api.registerAndLogin(Ids.user("fan" + u)));

    List<WsClient> sockets = new ArrayList<>();
    ExecutorService connect = Executors.newFixedThreadPool(8);
    try {
      List<Future<WsClient>> joining = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        for (int d = 0; d < DEVICES; d++) {
          String token = tokens.get(u);
          String device = "dev" + d;
          joining.add(connect.submit(() -> joined(node, token, device, room)));
        }
      }
      for (Future<WsClient> f : joining) sockets.add(f.get());
      assertEquals(USERS * DEVICES, sockets.size());

      long published = (long) Metrics.ROOM_PUBLISHED.count();
      long nodeDeliveries = (long) Metrics.ROOM_NODE_DELIVERIES.count();
      long socketWrites = (long) Metrics.ROOM_SOCKET_WRITES.count();
      WsClient sender = sockets.get(0);
      for (int i = 0; i < BURST; i++) {
        sender.send(
            TestClient.frame(
                "send", "rid", "b" + i, "conv", room, "cid", "b" + i, "body", "cheer " + i));
      }
      List<Long> expected = new ArrayList<>();
      for (long s = 1; s <= BURST; s++) expected.add(s);
      for (WsClient ws : sockets) {
        List<JsonNode> msgs = ws.awaitMsgs(room, BURST);
        assertEquals(expected, msgs.stream().map(m -> m.get("seq").asLong()).toList());
      }
      assertEquals(
          BURST, (long) Metrics.ROOM_PUBLISHED.count() - published, "one publish per entry");
      assertEquals(
          BURST,
          (long) Metrics.ROOM_NODE_DELIVERIES.count() - nodeDeliveries,
          "one delivery per entry per node");
      assertEquals(
          (long) BURST * sockets.size(), (long) Metrics.ROOM_SOCKET_WRITES.count() - socketWrites);
    } finally {
      connect.shutdownNow();
      for (WsClient ws : sockets) ws.close();
    }
  }

  private static WsClient joined(Node node, String token, String device, String room)
      throws Exception {
    WsClient ws = WsClient.json(node.httpAddress());
    ws.hello(token, device, null);
    ws.send(TestClient.frame("join", "rid", "j", "conv", room));
    ws.awaitReply("j");
    return ws;
  }
}
