package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may do what, for every operation on every kind of conversation: a stranger, a kicked member,
 * a blocked user and a plain (non-owner) member. Each rejection has the expected code, stores
 * nothing (the timelines end where they did) and says nothing about the conversation: a stranger
 * gets the same answer for a group that exists as for one that does not.
 */
@Integration
@ExtendWith(TestNodes.class)
class AuthorizationMatrixTest {
  private static final String SECRET = "the-secret-body";

  @Test
  void everyForbiddenOperationIsRejectedAndStoresNothing(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String role : List.of("owner", "member", "kicked", "stranger", "blocker", "blocked")) {
      String user = Ids.user(role);
      tokens.put(role, api.registerAndLogin(user));
      tokens.put(role + ".id", user);
    }
    Map<String, WsClient> ws = new LinkedHashMap<>();
    try {
      for (String role : List.of("owner", "member", "kicked", "stranger", "blocker", "blocked")) {
        WsClient client = WsClient.json(node.httpAddress());
        client.hello(tokens.get(role), "d", null);
        ws.put(role, client);
      }
      String owner = tokens.get("owner.id");
      String direct = Ids.direct(owner, tokens.get("member.id"));
      String blockedDirect = Ids.direct(tokens.get("blocker.id"), tokens.get("blocked.id"));
      String room = "r:matrix-" + Ids.user("r").substring(2);

      assertEquals(1, ws.get("owner").sentSeq(direct, "d1", SECRET));
      ws.get("owner")
          .send(
              TestClient.frame(
                  "create",
                  "rid",
                  "c",
                  "kind",
                  "group",
                  "title",
                  "t",
                  "members",
                  List.of(tokens.get("member.id"), tokens.get("kicked.id"))));
      String group = ws.get("owner").awaitReply("c").get("conv").asText();
      assertEquals(2, ws.get("owner").sentSeq(group, "g1", SECRET));
      ws.get("owner")
          .send(
              TestClient.frame("kick", "rid", "k", "conv", group, "user", tokens.get("kicked.id")));
      assertEquals("ok", ws.get("owner").awaitReply("k").get("type").asText());
      ws.get("owner").send(TestClient.frame("join", "rid", "j", "conv", room));
      ws.get("owner").awaitReply("j");
      assertEquals(1, ws.get("owner").sentSeq(room, "r1", SECRET));
      assertEquals(1, ws.get("blocker").sentSeq(blockedDirect, "b1", "before the block"));
      ws.get("blocker")
          .send(TestClient.frame("block", "rid", "bl", "user", tokens.get("blocked.id")));
      assertEquals("ok", ws.get("blocker").awaitReply("bl").get("type").asText());

      Map<String, Long> lastSeqs = Map.of(direct, 1L, group, 3L, room, 1L, blockedDirect, 1L);
      List<String> failures = new ArrayList<>();
      String strangerGroupAnswer = null;
      for (String conv : List.of(direct, group, room)) {
        for (String op : List.of("send", "history", "read", "ack", "invite", "kick", "title")) {
          JsonNode reply = attempt(ws.get("stranger"), op, conv, tokens.get("member.id"));
          expect(failures, "stranger", op, conv, reply, expectedForStranger(op, conv));
          if (conv.equals(group) && op.equals("send"))
            strangerGroupAnswer = reply.get("message").asText();
        }
      }
      JsonNode nonexistent =
          attempt(ws.get("stranger"), "send", "g:doesnotexist42", tokens.get("member.id"));
      expect(failures, "stranger", "send", "g:doesnotexist42", nonexistent, "forbidden");
      assertEquals(
          strangerGroupAnswer, nonexistent.get("message").asText(), "existence does not leak");

      for (String op : List.of("send", "history", "read", "ack", "invite", "kick", "title")) {
        expect(
            failures,
            "kicked",
            op,
            group,
            attempt(ws.get("kicked"), op, group, owner),
            "forbidden");
      }
      for (String op : List.of("invite", "kick", "title")) {
        expect(
            failures,
            "member",
            op,
            group,
            attempt(ws.get("member"), op, group, owner),
            "forbidden");
      }
      expect(
          failures,
          "blocked",
          "send",
          blockedDirect,
          attempt(ws.get("blocked"), "send", blockedDirect, null),
          "forbidden");

      assertEquals(List.of(), failures);
      for (var e : lastSeqs.entrySet()) {
        WsClient reader = e.getKey().equals(blockedDirect) ? ws.get("blocker") : ws.get("owner");
        reader.send(
            TestClient.frame(
                "history", "rid", "h" + e.getKey(), "conv", e.getKey(), "after", 0, "limit", 200));
        JsonNode page = reader.awaitReply("h" + e.getKey());
        JsonNode messages = page.get("messages");
        assertEquals(
            (long) e.getValue(),
            messages.get(messages.size() - 1).get("seq").asLong(),
            "nothing stored in " + e.getKey());
      }
    } finally {
      for (WsClient client : ws.values()) client.close();
    }
  }

  private static String expectedForStranger(String op, String conv) {
    boolean room = conv.startsWith("r:");
    return room && (op.equals("read") || op.equals("ack")) ? "bad_request" : "forbidden";
  }

  private static void expect(
      List<String> failures, String who, String op, String conv, JsonNode reply, String code) {
    String got = reply.path("code").asText(reply.path("type").asText());
    if (!code.equals(got))
      failures.add(who + " " + op + " " + conv + ": expected " + code + ", got " + reply);
    if (reply.toString().contains(SECRET))
      failures.add(who + " " + op + " " + conv + " leaked content: " + reply);
    assertFalse(reply.has("messages"), "a rejection carries no messages");
  }

  private static JsonNode attempt(WsClient client, String op, String conv, String otherUser)
      throws Exception {
    String rid = op + "-" + conv;
    ObjectNode frame =
        switch (op) {
          case "send" ->
              TestClient.frame("send", "conv", conv, "cid", "x-" + rid, "body", "intrusion");
          case "history" -> TestClient.frame("history", "conv", conv);
          case "read" -> TestClient.frame("read", "conv", conv, "seq", 1);
          case "ack" -> TestClient.frame("ack", "conv", conv, "seq", 1);
          case "invite" -> TestClient.frame("invite", "conv", conv, "users", List.of(otherUser));
          case "kick" -> TestClient.frame("kick", "conv", conv, "user", otherUser);
          case "title" -> TestClient.frame("title", "conv", conv, "title", "hijacked");
          default -> throw new IllegalArgumentException(op);
        };
    frame.put("rid", rid);
    client.send(frame);
    return client.awaitReply(rid);
  }
}
