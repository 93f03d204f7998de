package io.parley.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Await;
import io.parley.testing.Ids;
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

/**
 * A room's registration on an edge node ends with its last local socket: rooms that nobody on
 * the node listens to any more hold no actor, no subscription and no memory there.
 */
class RoomLifecycleTest {
  private static final int ROOMS = 1_000;
  private static final int WINDOW = 50;
  private static final Duration GONE = Duration.ofSeconds(30);
  private static Node node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    // Its own node: the live room count is this node's alone, and one socket may join them all.
    node = TestNodes.start(Map.of("parley.rooms.max-joined-per-socket", ROOMS));
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
        for (int i = from; i < from + WINDOW; i++) ws.send(TestClient.frame("join", "rid", "j" + i, "conv", prefix + i));
        for (int i = from; i < from + WINDOW; i++) {
          JsonNode joined = ws.awaitReply("j" + i);
          assertEquals("ok", joined.path("type").asText(), joined.toString());
        }
      }
      assertEquals(ROOMS, liveRooms(node));
      for (int i = 0; i < ROOMS; i++) ws.send(TestClient.frame("leave", "rid", "l" + i, "conv", prefix + i));
      for (int i = 0; i < ROOMS; i++) assertEquals("ok", ws.awaitReply("l" + i).path("type").asText(), "leave " + i);
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
   * starts again behind it: every join is answered ok (none lands in a room that is stopping),
   * and after the last one the socket gets the room's entries.
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
    Await.until(() -> liveRooms(node), n -> n == 0, GONE, "the raced room ends once both sockets close");
  }

  /** The node's room registry's count of rooms it holds (system actor /system/rooms). */
  static int liveRooms(Node node) throws Exception {
    var system = node.system();
    ActorRef<RoomRegistry.Command> registry =
        Adapter.toTyped(
            system.classicSystem()
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
