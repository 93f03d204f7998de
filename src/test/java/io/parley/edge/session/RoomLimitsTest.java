package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Await;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a room may hold on an edge node. Its registration ends with its last local socket: rooms
 * that nobody on the node listens to any more hold no actor, no subscription and no memory there. A
 * socket joins a bounded number of rooms and a room takes a bounded number of listeners per node; a
 * refused join is not in effect: the socket gets none of the room's entries and may not send into
 * it.
 */
@Integration
class RoomLimitsTest {
  private static final int ROOMS = 1_000;
  private static final int WINDOW = 50;
  private static final int LISTENERS = 2;
  // conf/application.conf's parley.rooms.max-joined-per-socket, which the shared node runs with.
  private static final int DEFAULT_PER_SOCKET = 20;
  private static final Duration GONE = Duration.ofSeconds(30);
  private static Node node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    // Its own node: the live room count is this node's alone, and one socket may join them all.
    node =
        TestNodes.start(
            Map.of(
                "parley.rooms.max-joined-per-socket", ROOMS,
                "parley.rooms.max-listeners-per-node", LISTENERS));
    api = new Api(node.httpAddress());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aThousandRoomsJoinedAndLeftLeaveNoRoomBehind() throws Exception {
    String prefix = "r:many-" + Ids.user("x").substring(2) + "-";
    try (WsClient ws = api.phone(Ids.user("many"))) {
      // Joins go out a window at a time: each starts a room entity (a journal read), and on a
      // busy machine a thousand at once outlast the ask timeout.
      for (int from = 0; from < ROOMS; from += WINDOW) {
        for (int i = from; i < from + WINDOW; i++)
          ws.send(TestClient.frame("join", "rid", "j" + i, "conv", prefix + i));
        for (int i = from; i < from + WINDOW; i++) {
          JsonNode joined = ws.awaitReply("j" + i);
          assertEquals("ok", joined.path("type").asText(), joined.toString());
        }
      }
      assertEquals(ROOMS, liveRooms(node));
      for (int i = 0; i < ROOMS; i++)
        ws.send(TestClient.frame("leave", "rid", "l" + i, "conv", prefix + i));
      for (int i = 0; i < ROOMS; i++)
        assertEquals("ok", ws.awaitReply("l" + i).path("type").asText(), "leave " + i);
      Await.until(() -> liveRooms(node), n -> n == 0, GONE, "every room ends once left");
    }
  }

  @Test
  void aSocketThatClosesWithoutLeavingEndsItsRooms() throws Exception {
    String prefix = "r:closed-" + Ids.user("x").substring(2) + "-";
    WsClient ws = api.phone(Ids.user("closer"));
    for (int i = 0; i < 3; i++) {
      ws.send(TestClient.frame("join", "rid", "j" + i, "conv", prefix + i));
      assertEquals("ok", ws.awaitReply("j" + i).path("type").asText());
    }
    assertEquals(3, liveRooms(node));
    ws.close();
    Await.until(() -> liveRooms(node), n -> n == 0, GONE, "the rooms of a closed socket end");
  }

  /**
   * One socket joins and leaves one room over and over without waiting, while the room ends and
   * starts again behind it: every join is answered ok (none lands in a room that is stopping), and
   * after the last one the socket gets the room's entries.
   */
  @Test
  void joinsRacingARoomThatEndsAreNeverLost() throws Exception {
    String room = "r:race-" + Ids.user("x").substring(2);
    int rounds = 200;
    try (WsClient ws = api.phone(Ids.user("racer"));
        WsClient sender = api.phone(Ids.user("sender"))) {
      for (int i = 0; i < rounds; i++) {
        ws.send(TestClient.frame("join", "rid", "j" + i, "conv", room));
        ws.send(TestClient.frame("leave", "rid", "l" + i, "conv", room));
      }
      ws.send(TestClient.frame("join", "rid", "last", "conv", room));
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < rounds; i++) answers.add(ws.awaitReply("j" + i).path("type").asText());
      assertEquals(List.of("ok"), answers.stream().distinct().toList(), "every join answered ok");
      assertEquals("ok", ws.awaitReply("last").path("type").asText());
      sender.send(TestClient.frame("join", "rid", "sj", "conv", room));
      assertEquals("ok", sender.awaitReply("sj").path("type").asText());
      long seq = sender.sentSeq(room, "after-race", "still listening?");
      JsonNode got = ws.awaitMsgs(room, 1).get(0);
      assertEquals(seq, got.get("seq").asLong());
    }
    Await.until(
        () -> liveRooms(node), n -> n == 0, GONE, "the raced room ends once both sockets close");
  }

  @Test
  @ExtendWith(TestNodes.class)
  void aSocketJoinsAtMostTheCapOfRooms(Node shared) throws Exception {
    String prefix = "r:cap-" + Ids.user("x").substring(2) + "-";
    String extra = prefix + DEFAULT_PER_SOCKET;
    Api sharedApi = new Api(shared.httpAddress());
    try (WsClient greedy = sharedApi.phone(Ids.user("greedy"));
        WsClient other = sharedApi.phone(Ids.user("other"))) {
      for (int i = 0; i < DEFAULT_PER_SOCKET; i++)
        greedy.send(TestClient.frame("join", "rid", "j" + i, "conv", prefix + i));
      for (int i = 0; i < DEFAULT_PER_SOCKET; i++)
        assertEquals("ok", greedy.awaitReply("j" + i).path("type").asText());
      assertEquals("ok", join(other, extra).path("type").asText());
      JsonNode refused = join(greedy, extra);
      assertEquals("forbidden", refused.path("code").asText(), refused.toString());
      assertTrue(
          refused.path("message").asText().contains(String.valueOf(DEFAULT_PER_SOCKET)),
          "names the limit: " + refused);

      assertNotInEffect(greedy, other, extra);

      // Leaving one room makes room for another.
      greedy.send(TestClient.frame("leave", "rid", "l0", "conv", prefix + 0));
      assertEquals("ok", greedy.awaitReply("l0").path("type").asText());
      assertEquals("ok", join(greedy, extra).path("type").asText());
      long seq = other.sentSeq(extra, "after-leave", "now you hear me");
      assertEquals(seq, greedy.awaitMsgs(extra, 1).get(0).get("seq").asLong());
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
    Await.until(
        () -> liveRooms(node), n -> n == 0, GONE, "the full room ends once its sockets close");
  }

  /**
   * {@code refused} was refused {@code room}: a message that a joined socket sends there reaches
   * that socket but not {@code refused} (which answers a ping after the room's fan-out), and {@code
   * refused} may not send there.
   */
  private static void assertNotInEffect(WsClient refused, WsClient joined, String room)
      throws Exception {
    long seq = joined.sentSeq(room, "while-refused", "not for you");
    assertEquals(seq, joined.awaitMsgs(room, 1).get(0).get("seq").asLong());
    refused.send(TestClient.frame("ping", "rid", "p-" + seq));
    refused.awaitReply("p-" + seq);
    assertEquals(0, refused.msgs(room).size(), "a refused join gets no entries");
    refused.send(
        TestClient.frame(
            "send", "rid", "s-" + seq, "conv", room, "cid", "refused", "body", "let me in"));
    assertEquals("forbidden", refused.awaitReply("s-" + seq).path("code").asText());
  }

  private static JsonNode join(WsClient ws, String room) throws Exception {
    String rid = "j-" + room;
    ws.send(TestClient.frame("join", "rid", rid, "conv", room));
    return ws.awaitReply(rid);
  }

  /** The node's room registry's count of rooms it holds (system actor /system/rooms). */
  static int liveRooms(Node node) throws Exception {
    var system = node.system();
    ActorRef<RoomRegistry.Command> registry =
        Adapter.toTyped(
            system
                .classicSystem()
                .actorSelection("/system/rooms")
                .resolveOne(Duration.ofSeconds(5))
                .toCompletableFuture()
                .get());
    return AskPattern.<RoomRegistry.Command, Integer>ask(
            registry, RoomRegistry.LiveRooms::new, Duration.ofSeconds(5), system.scheduler())
        .toCompletableFuture()
        .get();
  }
}
