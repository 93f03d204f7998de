package io.parley.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A socket joins a bounded number of rooms and a room takes a bounded number of listeners per
 * node; a refused join is not in effect: the socket gets none of the room's entries and may not
 * send into it.
 */
class RoomCapsTest {
  private static final int PER_SOCKET = 3;
  private static final int LISTENERS = 2;
  private static Node node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    node =
        TestNodes.start(
            Map.of(
                "parley.rooms.max-joined-per-socket", PER_SOCKET,
                "parley.rooms.max-listeners-per-node", LISTENERS));
    api = new Api(node.httpAddress());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aSocketJoinsAtMostTheCapOfRooms() throws Exception {
    String prefix = "r:cap-" + Ids.user("x").substring(2) + "-";
    String extra = prefix + PER_SOCKET;
    try (WsClient greedy = api.phone(Ids.user("greedy"));
        WsClient other = api.phone(Ids.user("other"))) {
      for (int i = 0; i < PER_SOCKET; i++) assertEquals("ok", join(greedy, prefix + i).path("type").asText());
      assertEquals("ok", join(other, extra).path("type").asText());
      JsonNode refused = join(greedy, extra);
      assertEquals("forbidden", refused.path("code").asText(), refused.toString());
      assertTrue(refused.path("message").asText().contains(String.valueOf(PER_SOCKET)), "names the limit: " + refused);

      assertNotInEffect(greedy, other, extra);

      // Leaving one room makes room for another.
      greedy.send(TestClient.frame("leave", "rid", "l0", "conv", prefix + 0));
      assertEquals("ok", greedy.awaitReply("l0").path("type").asText());
      assertEquals("ok", join(greedy, extra).path("type").asText());
      long seq = other.sentSeq(extra, "after-leave", "now you hear me");
      assertEquals(seq, greedy.awaitMsgs(extra, 1).get(0).get("seq").asLong());
    }
  }

  /** The shared node runs on the defaults of conf/application.conf. */
  @Test
  @ExtendWith(TestNodes.class)
  void byDefaultASocketJoinsTwentyRooms(Node shared) throws Exception {
    String prefix = "r:default-" + Ids.user("x").substring(2) + "-";
    try (WsClient ws = new Api(shared.httpAddress()).phone(Ids.user("twenty"))) {
      for (int i = 0; i < 20; i++) ws.send(TestClient.frame("join", "rid", "j" + i, "conv", prefix + i));
      for (int i = 0; i < 20; i++) assertEquals("ok", ws.awaitReply("j" + i).path("type").asText());
      JsonNode refused = join(ws, prefix + 20);
      assertEquals("forbidden", refused.path("code").asText(), refused.toString());
      assertTrue(refused.path("message").asText().contains("20"), refused.toString());
    }
  }

  @Test
  void aRoomTakesAtMostTheCapOfListenersPerNode() throws Exception {
    String room = "r:full-" + Ids.user("x").substring(2);
    try (WsClient first = api.phone(Ids.user("first"));
        WsClient second = api.phone(Ids.user("second"));
        WsClient late = api.phone(Ids.user("late"))) {
      assertEquals("ok", join(first, room).path("type").asText());
      assertEquals("ok", join(second, room).path("type").asText());
      JsonNode refused = join(late, room);
      assertEquals("unavailable", refused.path("code").asText(), refused.toString());
      assertTrue(refused.path("message").asText().contains("room full"), refused.toString());

      assertNotInEffect(late, first, room);

      first.send(TestClient.frame("leave", "rid", "l", "conv", room));
      assertEquals("ok", first.awaitReply("l").path("type").asText());
      assertEquals("ok", join(late, room).path("type").asText());
      long seq = second.sentSeq(room, "after-leave", "welcome");
      assertEquals(seq, late.awaitMsgs(room, 1).get(0).get("seq").asLong());
    }
  }

  /**
   * {@code refused} was refused {@code room}: a message that a joined socket sends there reaches
   * that socket but not {@code refused} (which answers a ping after the room's fan-out), and
   * {@code refused} may not send there.
   */
  private static void assertNotInEffect(WsClient refused, WsClient joined, String room) throws Exception {
    long seq = joined.sentSeq(room, "while-refused", "not for you");
    assertEquals(seq, joined.awaitMsgs(room, 1).get(0).get("seq").asLong());
    refused.send(TestClient.frame("ping", "rid", "p-" + seq));
    refused.awaitReply("p-" + seq);
    assertEquals(0, refused.msgs(room).size(), "a refused join gets no entries");
    refused.send(TestClient.frame("send", "rid", "s-" + seq, "conv", room, "cid", "refused", "body", "let me in"));
    assertEquals("forbidden", refused.awaitReply("s-" + seq).path("code").asText());
  }

  private static JsonNode join(WsClient ws, String room) throws Exception {
    String rid = "j-" + room;
    ws.send(TestClient.frame("join", "rid", rid, "conv", room));
    return ws.awaitReply(rid);
  }
}
