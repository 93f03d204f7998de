package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TcpClient;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every reply the server may legally produce reaches the client, on raw TCP as on WebSocket: frames
 * larger than the inbound frame limit (a long history page, a body whose JSON escapes grow it
 * six-fold) are sent whole, and a page over parley.limits.max-page-bytes is cut with has_more so
 * the client pages on.
 */
@Integration
@ExtendWith(TestNodes.class)
class LargeRepliesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_PAGE_BYTES =
      TestNodes.config(Map.of()).getBytes("parley.limits.max-page-bytes");
  private static final long MAX_FRAME_BYTES =
      TestNodes.config(Map.of()).getBytes("parley.limits.max-frame-bytes");
  // 16 KiB of U+0001: allowed as a body (16 KiB of UTF-8), ~96 KiB once JSON-escaped. Sent over
  // CBOR, where the send frame stays within the inbound frame limit.
  private static final String CONTROL_BODY = "\u0001".repeat(16_384);

  @Test
  void aHistoryPageLargerThanTheInboundFrameLimitReachesATcpClient(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String reader = Ids.user("tcpreader");
    String writer = Ids.user("chatty");
    String readerToken = api.registerAndLogin(reader);
    String conv = Ids.direct(reader, writer);
    try (WsClient ws = api.phone(writer)) {
      sendAll(
          ws,
          conv,
          IntStream.range(0, 180)
              .mapToObj(i -> String.format("%03d", i) + "-" + "m".repeat(696))
              .toList());
    }
    try (TcpClient tcp = new TcpClient(node.tcpAddress())) {
      tcp.hello(readerToken, "tcp", null);
      tcp.send(TestClient.frame("history", "rid", "h", "conv", conv, "limit", 200));
      JsonNode page = tcp.awaitReply("h");
      assertEquals("history", page.path("type").asText(), page.toString());
      assertEquals(180, page.get("messages").size());
      assertFalse(page.get("has_more").asBoolean());
      assertTrue(
          JSON.writeValueAsBytes(page).length > MAX_FRAME_BYTES,
          "the page is larger than an inbound frame may be");
      tcp.send(TestClient.frame("ping", "rid", "still"));
      assertEquals(
          "pong", tcp.awaitReply("still").path("type").asText(), "the connection is still up");
    }
  }

  @Test
  void aBodyOfControlCharactersArrivesLiveInCatchUpAndInHistory(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String reader = Ids.user("escapes");
    String writer = Ids.user("controls");
    String readerToken = api.registerAndLogin(reader);
    String writerToken = api.registerAndLogin(writer);
    String conv = Ids.direct(reader, writer);
    try (TcpClient tcp = new TcpClient(node.tcpAddress());
        WsClient ws = WsClient.json(node.httpAddress());
        WsClient cbor = WsClient.cbor(node.httpAddress())) {
      tcp.hello(readerToken, "tcp", null);
      ws.hello(readerToken, "ws", null);
      cbor.hello(writerToken, "w", null);
      long seq = cbor.sentSeq(conv, "ctl", CONTROL_BODY);
      for (TestClient live : List.of(tcp, ws)) {
        JsonNode msg = live.awaitMsgs(conv, 1).get(0);
        assertEquals(seq, msg.get("seq").asLong());
        assertEquals(CONTROL_BODY, msg.get("body").asText(), "live");
      }
    }
    for (boolean overTcp : List.of(true, false)) {
      try (TestClient client =
          overTcp ? new TcpClient(node.tcpAddress()) : WsClient.json(node.httpAddress())) {
        String via = overTcp ? "tcp" : "ws";
        client.hello(readerToken, via + "-again", Map.of(conv, 0L));
        assertEquals(
            CONTROL_BODY,
            client.awaitMsgs(conv, 1).get(0).get("body").asText(),
            "catch-up over " + via);
        List<JsonNode> history = client.fullHistory(conv);
        assertEquals(1, history.size());
        assertEquals(CONTROL_BODY, history.get(0).get("body").asText(), "history over " + via);
      }
    }
  }

  @Test
  void aPageOverTheByteBudgetIsCutAndPagingGoesOn(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String reader = Ids.user("pages");
    String writer = Ids.user("bulky");
    String readerToken = api.registerAndLogin(reader);
    String writerToken = api.registerAndLogin(writer);
    String conv = Ids.direct(reader, writer);
    int entries = 12; // ~96 KiB each as JSON: a 200-entry page would be ~1.1 MiB
    try (WsClient cbor = WsClient.cbor(node.httpAddress())) {
      cbor.hello(writerToken, "w", null);
      sendAll(cbor, conv, Collections.nCopies(entries, CONTROL_BODY));
    }
    try (TcpClient tcp = new TcpClient(node.tcpAddress())) {
      tcp.hello(readerToken, "tcp", null);
      // Forwards (after a seq): the oldest entries of each page come first.
      List<Long> forwards = new ArrayList<>();
      long after = 0;
      boolean more = true;
      for (int pages = 0; more; pages++) {
        assertTrue(pages < entries, "paging makes progress");
        JsonNode page = history(tcp, "f" + pages, conv, "after", after);
        page.get("messages").forEach(m -> forwards.add(m.get("seq").asLong()));
        after = forwards.get(forwards.size() - 1);
        more = page.get("has_more").asBoolean();
      }
      assertEquals(seqs(1, entries), forwards);
      // Backwards (latest first, then before the oldest one got): the newest entries are kept.
      List<Long> backwards = new ArrayList<>();
      JsonNode page = history(tcp, "b", conv, null, 0);
      while (true) {
        List<Long> got = new ArrayList<>();
        page.get("messages").forEach(m -> got.add(m.get("seq").asLong()));
        backwards.addAll(0, got);
        if (!page.get("has_more").asBoolean()) break;
        page = history(tcp, "b" + got.get(0), conv, "before", got.get(0));
      }
      assertEquals(seqs(1, entries), backwards);
    }
    // REST pages the same way.
    Api.Response latest = api.get("/conversations/" + conv + "/messages?limit=200", readerToken);
    assertEquals(200, latest.status());
    assertTrue(latest.body().get("has_more").asBoolean(), "cut: more below");
    int got = latest.body().get("messages").size();
    assertTrue(got >= 1 && got < entries, "cut to the budget: " + got);
    assertEquals(
        entries,
        latest.body().get("messages").get(got - 1).get("seq").asLong(),
        "the newest are kept");
    assertTrue(JSON.writeValueAsBytes(latest.body()).length <= MAX_PAGE_BYTES);
  }

  /**
   * A history page (after or before a seq, or the latest with {@code cursor} null) within the
   * budget.
   */
  private static JsonNode history(
      TestClient client, String rid, String conv, String cursor, long seq) throws Exception {
    var frame = TestClient.frame("history", "rid", rid, "conv", conv, "limit", 200);
    if (cursor != null) frame.put(cursor, seq);
    client.send(frame);
    JsonNode page = client.awaitReply(rid);
    assertEquals("history", page.path("type").asText(), page.toString());
    assertFalse(page.get("messages").isEmpty(), "a page holds at least one entry");
    assertTrue(
        JSON.writeValueAsBytes(page).length <= MAX_PAGE_BYTES,
        "page " + rid + " within max-page-bytes");
    return page;
  }

  private static List<Long> seqs(long from, long to) {
    return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
  }

  /** Sends the bodies pipelined and waits until all are stored, in order. */
  private static void sendAll(TestClient client, String conv, List<String> bodies)
      throws Exception {
    for (int i = 0; i < bodies.size(); i++) {
      client.send(
          TestClient.frame(
              "send",
              "rid",
              "s" + i,
              "conv",
              conv,
              "cid",
              "c" + i,
              "kind",
              "text",
              "body",
              bodies.get(i)));
    }
    for (int i = 0; i < bodies.size(); i++) {
      JsonNode sent = client.awaitReply("s" + i);
      assertEquals("sent", sent.path("type").asText(), sent.toString());
    }
  }
}
