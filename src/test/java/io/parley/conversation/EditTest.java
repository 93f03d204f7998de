package io.parley.conversation;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Edits on a real node (docs/protocol.md, "Edit"): pushed to every device of both members as an
 * entry of their own; history and catch-up show the edited entry with its latest text, also after
 * the node restarts; every refusal has its code; the content filter applies to the new text.
 */
@Integration
class EditTest {
  // A small dedup window, so that an entry leaves it within the test (too old to edit).
  private static final Map<String, Object> CONFIG =
      Map.of(
          "parley.conversation.dedup-window",
          8,
          "parley.filter.words",
          List.of("darn"),
          "parley.filter.direct",
          "reject");

  private static Map<String, Object> edit(long seq, String text) {
    return Map.of("seq", seq, "text", text);
  }

  private static JsonNode send(WsClient ws, String conv, String cid, String kind, Object body)
      throws Exception {
    ws.send(frame("send", "rid", "r-" + cid, "conv", conv, "cid", cid, "kind", kind, "body", body));
    return ws.awaitReply("r-" + cid);
  }

  private static String code(JsonNode reply) {
    return reply.path("code").asText(reply.toString());
  }

  @Test
  void editsAreSharedRefusedByTheRulesAndShownInHistoryAfterARestart() throws Exception {
    String alice = Ids.user("alice");
    String bob = Ids.user("bob");
    String conv = Ids.direct(alice, bob);
    String aliceToken;
    String bobToken;
    try (Node node = TestNodes.start(CONFIG)) {
      Api api = new Api(node.httpAddress());
      aliceToken = api.registerAndLogin(alice);
      bobToken = api.registerAndLogin(bob);
      try (WsClient phone = WsClient.json(node.httpAddress());
          WsClient laptop = WsClient.json(node.httpAddress());
          WsClient bobPhone = WsClient.json(node.httpAddress())) {
        phone.hello(aliceToken, "phone", null);
        laptop.hello(aliceToken, "laptop", null);
        bobPhone.hello(bobToken, "phone", null);
        assertEquals(1, phone.sentSeq(conv, "t1", "helo"));
        assertEquals(2, bobPhone.sentSeq(conv, "t2", "hi"));

        JsonNode sent = send(phone, conv, "e1", "edit", edit(1, "hello"));
        assertEquals("sent", sent.path("type").asText(), sent.toString());
        assertEquals(3, sent.get("seq").asLong());
        assertEquals(sent, send(phone, conv, "e1", "edit", edit(1, "hello")), "idempotent");
        for (WsClient device : List.of(phone, laptop, bobPhone)) {
          JsonNode pushed = device.awaitMsgs(conv, 3).get(2);
          assertEquals("edit", pushed.get("kind").asText());
          assertEquals(1, pushed.get("body").get("seq").asLong());
          assertEquals("hello", pushed.get("body").get("text").asText());
          assertEquals(alice, pushed.get("from").asText());
        }

        assertEquals("forbidden", code(send(bobPhone, conv, "x1", "edit", edit(1, "mine"))));
        assertEquals("not_found", code(send(phone, conv, "x2", "edit", edit(99, "where"))));
        assertEquals("bad_request", code(send(phone, conv, "x3", "edit", edit(3, "an edit"))));
        assertEquals("bad_request", code(send(phone, conv, "x4", "edit", edit(1, ""))));
        assertEquals("bad_request", code(send(phone, conv, "x5", "edit", Map.of("seq", 1))));
        assertEquals(
            "too_large", code(send(phone, conv, "x6", "edit", edit(1, "a".repeat(17_000)))));
        JsonNode filtered = send(phone, conv, "x7", "edit", edit(1, "well darn"));
        assertEquals("content_rejected", code(filtered));
        assertEquals("r-x7", filtered.get("rid").asText());
        assertEquals(4, phone.sentSeq(conv, "t4", "withdrawn soon"));
        assertEquals(5, send(phone, conv, "rc", "recall", Map.of("seq", 4)).get("seq").asLong());
        assertEquals("conflict", code(send(phone, conv, "x8", "edit", edit(4, "too late"))));
        // Entry 1 was edited once more; the second edit is the one readers see.
        assertEquals(6, send(phone, conv, "e2", "edit", edit(1, "hello!")).get("seq").asLong());
        for (int i = 7; i <= 14; i++) phone.sentSeq(conv, "f" + i, "filler " + i);
        JsonNode old = send(phone, conv, "x9", "edit", edit(2, "out of the window"));
        assertEquals("forbidden", code(old), "entry 2 left the dedup window: " + old);
        old = send(phone, conv, "x10", "edit", edit(6, "out of the window"));
        assertEquals("forbidden", code(old), old.toString());
      }
    }

    try (Node node = TestNodes.start(CONFIG);
        WsClient bobPhone = WsClient.json(node.httpAddress())) {
      bobPhone.hello(bobToken, "tablet", Map.of(conv, 0L));
      // Catch-up shows entry 1 with its latest text; the edits still come as entries.
      JsonNode caughtUp = bobPhone.awaitMsgs(conv, 14).get(0);
      assertEdited(caughtUp, "hello!", 6);
      assertEquals("edit", bobPhone.msgs(conv).get(2).get("kind").asText());

      List<JsonNode> history = bobPhone.fullHistory(conv);
      assertEquals(14, history.size());
      assertEdited(history.get(0), "hello!", 6);
      assertFalse(history.get(1).has("edited"), "entry 2 was not edited");
      assertEquals("hi", history.get(1).get("body").asText());
      assertEquals("hello", history.get(2).get("body").get("text").asText());
      // A page that holds the entry but not its edit: the edit is read apart.
      bobPhone.send(frame("history", "rid", "h1", "conv", conv, "after", 0, "limit", 1));
      assertEdited(bobPhone.awaitReply("h1").get("messages").get(0), "hello!", 6);
    }
  }

  private static void assertEdited(JsonNode msg, String text, long editSeq) {
    assertEquals(1, msg.get("seq").asLong(), msg.toString());
    assertEquals("text", msg.get("kind").asText());
    assertEquals(text, msg.get("body").asText(), msg.toString());
    assertEquals(true, msg.path("edited").asBoolean(), msg.toString());
    assertEquals(editSeq, msg.path("edit_seq").asLong(), msg.toString());
  }
}
