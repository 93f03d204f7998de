package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Catch-up, redelivery, read markers and unread, recall: docs/protocol.md sections 2-4. */
@Integration
@ExtendWith(TestNodes.class)
class DeliveryTest {
  private Node node;
  private Api api;
  private String alice;
  private String bob;
  private String aliceToken;
  private String bobToken;
  private String conv;

  @BeforeEach
  void setUp(Node shared) throws Exception {
    node = shared;
    api = new Api(node.httpAddress());
    alice = Ids.user("alice");
    bob = Ids.user("bob");
    aliceToken = api.registerAndLogin(alice);
    bobToken = api.registerAndLogin(bob);
    conv = Ids.direct(alice, bob);
  }

  private static List<Long> seqs(List<JsonNode> msgs) {
    return msgs.stream().map(m -> m.get("seq").asLong()).toList();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void reconnectWithCursorGetsExactlyTheMissingEntriesThenLiveOnesThatRacedIt() throws Exception {
    try (WsClient sender = WsClient.json(node.httpAddress())) {
      sender.hello(aliceToken, "phone", null);
      for (int i = 1; i <= 400; i++) {
        sender.send(
            TestClient.frame(
                "send", "rid", "s" + i, "conv", conv, "cid", "c" + i, "body", "m" + i));
      }
      sender.awaitReply("s400");

      try (WsClient tablet = WsClient.json(node.httpAddress())) {
        // Live sends race the catch-up of 380 entries: fired right after hello, not awaited.
        tablet.send(
            TestClient.frame(
                "hello", "token", bobToken, "device", "tablet", "cursors", Map.of(conv, 20)));
        for (int i = 401; i <= 450; i++) {
          sender.send(
              TestClient.frame(
                  "send", "rid", "s" + i, "conv", conv, "cid", "c" + i, "body", "m" + i));
        }
        tablet.awaitType("synced");
        List<JsonNode> got = tablet.awaitMsgs(conv, 430);
        assertEquals(
            range(21, 450), seqs(got), "each missing entry once, in order, then the live ones");
        JsonNode state = tablet.convStates().get(conv);
        assertNotNull(state, "a conv_state for the conversation");
        assertTrue(state.get("last_seq").asLong() >= 400);
        assertFalse(state.get("epoch").asText().isEmpty());
      }
    }
  }

  @Test
  void deviceWithoutCursorsGetsWhatItNeverAcked() throws Exception {
    try (WsClient sender = WsClient.json(node.httpAddress())) {
      sender.hello(aliceToken, "phone", null);
      try (WsClient watch = WsClient.json(node.httpAddress())) {
        watch.hello(bobToken, "watch", null);
        for (int i = 1; i <= 10; i++) assertEquals(i, sender.sentSeq(conv, "a" + i, "m" + i));
        assertEquals(range(1, 10), seqs(watch.awaitMsgs(conv, 10)));
        watch.send(TestClient.frame("ack", "rid", "ack5", "conv", conv, "seq", 5));
        assertEquals("ok", watch.awaitReply("ack5").get("type").asText());
      }
      for (int i = 11; i <= 15; i++) assertEquals(i, sender.sentSeq(conv, "a" + i, "m" + i));
    }
    try (WsClient watch = WsClient.json(node.httpAddress())) {
      watch.hello(bobToken, "watch", null);
      assertEquals(range(6, 15), seqs(watch.awaitMsgs(conv, 10)), "everything after the ack, once");
    }
    try (WsClient newDevice = WsClient.json(node.httpAddress())) {
      newDevice.hello(bobToken, "brand-new", null);
      newDevice.send(TestClient.frame("ping", "rid", "p"));
      newDevice.awaitReply("p");
      assertTrue(newDevice.msgs(conv).isEmpty(), "a new device pages history instead");
    }
  }

  @Test
  void aReadOnOneDeviceGivesTheSameUnreadEverywhere() throws Exception {
    try (WsClient sender = WsClient.json(node.httpAddress());
        WsClient d1 = WsClient.json(node.httpAddress());
        WsClient d2 = WsClient.json(node.httpAddress());
        WsClient d3 = WsClient.json(node.httpAddress())) {
      sender.hello(aliceToken, "phone", null);
      d1.hello(bobToken, "d1", null);
      d2.hello(bobToken, "d2", null);
      d3.hello(bobToken, "d3", null);
      for (int i = 1; i <= 5; i++) sender.sentSeq(conv, "u" + i, "m" + i);

      d1.send(TestClient.frame("read", "rid", "r1", "conv", conv, "seq", 3));
      assertEquals("ok", d1.awaitReply("r1").get("type").asText());
      for (WsClient other : List.of(d2, d3)) {
        JsonNode read = other.awaitType("read");
        assertEquals(bob, read.get("user").asText());
        assertEquals(3, read.get("seq").asLong());
      }
      JsonNode receipt = sender.awaitType("read");
      assertEquals(bob, receipt.get("user").asText());
      assertEquals(3, receipt.get("seq").asLong());

      // Monotonic: a lower read changes nothing.
      d2.send(TestClient.frame("read", "rid", "r2", "conv", conv, "seq", 1));
      d2.awaitReply("r2");
    }
    for (String device : List.of("d1", "d2", "d3")) {
      try (WsClient d = WsClient.json(node.httpAddress())) {
        d.hello(bobToken, device, null);
        JsonNode state = d.convStates().get(conv);
        assertEquals(5, state.get("last_seq").asLong());
        assertEquals(3, state.get("read_seq").asLong());
        assertEquals(2, state.get("unread").asLong());
      }
    }
    JsonNode listed = api.conversation(bobToken, conv);
    assertEquals(2, listed.get("unread").asLong());
    assertEquals(5, listed.get("last").get("seq").asLong());
    assertEquals(
        0, api.conversation(aliceToken, conv).get("unread").asLong(), "own entries are read");

    // Sending moves the sender's read marker: bob's reply leaves him nothing unread.
    try (WsClient d1 = WsClient.json(node.httpAddress())) {
      d1.hello(bobToken, "d1", null);
      assertEquals(6, d1.sentSeq(conv, "reply", "got it"));
    }
    Await.until(
        () -> api.conversation(bobToken, conv).get("unread").asLong(),
        unread -> unread == 0,
        Duration.ofSeconds(10),
        "bob's unread to drop to 0 after he replied");
    assertEquals(1, api.conversation(aliceToken, conv).get("unread").asLong());
  }

  @Test
  void typingReachesTheOtherMemberOnlyAndIsNotStored() throws Exception {
    try (WsClient a1 = WsClient.json(node.httpAddress());
        WsClient a2 = WsClient.json(node.httpAddress());
        WsClient b = WsClient.json(node.httpAddress())) {
      a1.hello(aliceToken, "d1", null);
      a2.hello(aliceToken, "d2", null);
      b.hello(bobToken, "d1", null);
      assertEquals(1, a1.sentSeq(conv, "t1", "hi"));
      a1.send(TestClient.frame("typing", "conv", conv));
      JsonNode typing = b.awaitType("typing");
      assertEquals(alice, typing.get("user").asText());
      assertEquals(conv, typing.get("conv").asText());
      // A later message proves a2 got nothing typed by its own user, and nothing was stored.
      assertEquals(2, b.sentSeq(conv, "t2", "ok"));
      a2.awaitMsgs(conv, 2);
      assertTrue(
          a2.othersSnapshot().stream().noneMatch(f -> "typing".equals(f.path("type").asText())));
    }
  }

  @Test
  void conversationListIsMostRecentFirstAndNeedsAToken() throws Exception {
    String carol = Ids.user("carol");
    api.registerAndLogin(carol);
    String older = conv;
    String newer = Ids.direct(alice, carol);
    try (WsClient ws = WsClient.json(node.httpAddress())) {
      ws.hello(aliceToken, "phone", null);
      ws.sentSeq(older, "o1", "older");
      ws.sentSeq(newer, "n1", "newer");
    }
    JsonNode list = api.get("/conversations", aliceToken).body().get("conversations");
    assertEquals(newer, list.get(0).get("conv").asText());
    assertEquals(older, list.get(1).get("conv").asText());
    assertEquals("newer", list.get(0).get("last").get("body").asText());
    assertEquals(401, api.get("/conversations", null).status());
    assertEquals(401, api.get("/conversations", "garbage").status());
    var page = api.get("/conversations/" + older + "/messages?limit=10", aliceToken);
    assertEquals(200, page.status());
    assertEquals(1, page.body().get("messages").size());
  }

  @Test
  void theSenderRecallsAnEntryWhichStaysInTheTimeline() throws Exception {
    try (WsClient a = WsClient.json(node.httpAddress());
        WsClient b = WsClient.json(node.httpAddress())) {
      a.hello(aliceToken, "phone", null);
      b.hello(bobToken, "phone", null);
      assertEquals(1, a.sentSeq(conv, "t1", "oops"));
      a.send(
          TestClient.frame(
              "send",
              "rid",
              "rc",
              "conv",
              conv,
              "cid",
              "rc1",
              "kind",
              "recall",
              "body",
              Map.of("seq", 1)));
      assertEquals(2, a.awaitReply("rc").get("seq").asLong());
      List<JsonNode> seen = b.awaitMsgs(conv, 2);
      assertEquals("recall", seen.get(1).get("kind").asText());
      assertEquals(1, seen.get(1).get("body").get("seq").asLong());

      b.send(
          TestClient.frame(
              "send",
              "rid",
              "x1",
              "conv",
              conv,
              "cid",
              "x1",
              "kind",
              "recall",
              "body",
              Map.of("seq", 1)));
      assertEquals("forbidden", b.awaitReply("x1").get("code").asText());
      a.send(
          TestClient.frame(
              "send",
              "rid",
              "x2",
              "conv",
              conv,
              "cid",
              "x2",
              "kind",
              "recall",
              "body",
              Map.of("seq", 1)));
      assertEquals("conflict", a.awaitReply("x2").get("code").asText());
      a.send(
          TestClient.frame(
              "send",
              "rid",
              "x3",
              "conv",
              conv,
              "cid",
              "x3",
              "kind",
              "recall",
              "body",
              Map.of("seq", 99)));
      assertEquals("not_found", a.awaitReply("x3").get("code").asText());
      a.send(
          TestClient.frame(
              "send",
              "rid",
              "x4",
              "conv",
              conv,
              "cid",
              "x4",
              "kind",
              "recall",
              "body",
              Map.of("seq", 2)));
      assertEquals("bad_request", a.awaitReply("x4").get("code").asText());

      a.send(TestClient.frame("history", "rid", "h", "conv", conv));
      JsonNode history = a.awaitReply("h").get("messages");
      assertEquals(2, history.size());
      assertEquals("oops", history.get(0).get("body").asText(), "the recalled entry stays");
    }
  }
}
