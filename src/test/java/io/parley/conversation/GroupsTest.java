package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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

/** Groups end to end: membership as timeline entries, one order for every device. */
@Integration
@ExtendWith(TestNodes.class)
class GroupsTest {
  private static final int MEMBERS = 50;

  @Test
  void fiftyMembersWithTwoDevicesEachSeeEveryEntryInTheSameOrder(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    List<String> users = new ArrayList<>();
    Map<String, String> tokens = new LinkedHashMap<>();
    for (int i = 0; i < MEMBERS; i++) {
      String user = Ids.user("m" + i);
      users.add(user);
      tokens.put(user, api.registerAndLogin(user));
    }
    Map<String, List<WsClient>> devices = new LinkedHashMap<>();
    try {
      for (String user : users) {
        List<WsClient> pair = new ArrayList<>();
        for (String device : List.of("phone", "laptop")) {
          WsClient ws = WsClient.json(node.httpAddress());
          ws.hello(tokens.get(user), device, null);
          pair.add(ws);
        }
        devices.put(user, pair);
      }
      String owner = users.get(0);
      String late = users.get(MEMBERS - 1);
      String leaver = users.get(1);
      WsClient ownerWs = devices.get(owner).get(0);
      ownerWs.send(
          TestClient.frame(
              "create",
              "rid",
              "c",
              "kind",
              "group",
              "title",
              "fifty",
              "members",
              users.subList(1, MEMBERS - 1)));
      JsonNode created = ownerWs.awaitReply("c");
      assertEquals("created", created.get("type").asText(), created.toString());
      String conv = created.get("conv").asText();
      ownerWs.send(TestClient.frame("invite", "rid", "i", "conv", conv, "users", List.of(late)));
      assertEquals("ok", ownerWs.awaitReply("i").get("type").asText());

      // Five members send ten messages each, all at once.
      for (int s = 0; s < 5; s++) {
        WsClient sender = devices.get(users.get(10 + s)).get(1);
        for (int i = 0; i < 10; i++) {
          sender.send(
              TestClient.frame(
                  "send", "rid", "s" + i, "conv", conv, "cid", "s" + s + "-" + i, "body", "hi"));
        }
      }
      long expected = 2 + 50; // created, joined, 50 messages
      for (String user : users) {
        for (WsClient ws : devices.get(user))
          ws.awaitMsgs(conv, (int) (user.equals(late) ? expected - 1 : expected));
      }
      List<Long> reference = seqs(devices.get(owner).get(0).msgs(conv));
      assertEquals(range(1, expected), reference);
      for (String user : users) {
        for (WsClient ws : devices.get(user)) {
          List<Long> seen = seqs(ws.msgs(conv));
          assertEquals(
              user.equals(late) ? range(2, expected) : reference,
              seen,
              user + " sees the same order");
        }
      }

      WsClient leaverWs = devices.get(leaver).get(0);
      leaverWs.send(TestClient.frame("leave", "rid", "l", "conv", conv));
      assertEquals("ok", leaverWs.awaitReply("l").get("type").asText());
      assertEquals(expected + 2, ownerWs.sentSeq(conv, "after-leave", "bye"));
      ownerWs.awaitMsgs(conv, (int) expected + 2);
      for (WsClient ws : devices.get(leaver)) {
        List<JsonNode> got = ws.awaitMsgs(conv, (int) expected + 1);
        JsonNode last = got.get(got.size() - 1);
        assertEquals("left", last.get("body").get("event").asText(), "the leaver learns they left");
      }
      // A later message proves the leaver's devices got nothing after leaving.
      for (WsClient ws : devices.get(users.get(2))) ws.awaitMsgs(conv, (int) expected + 2);
      for (WsClient ws : devices.get(leaver)) assertEquals(expected + 1, ws.msgs(conv).size());
      leaverWs.send(
          TestClient.frame("send", "rid", "x", "conv", conv, "cid", "x", "body", "still here?"));
      assertEquals("forbidden", leaverWs.awaitReply("x").get("code").asText());

      ownerWs.send(TestClient.frame("history", "rid", "h", "conv", conv, "after", 0, "limit", 200));
      List<String> events = new ArrayList<>();
      ownerWs
          .awaitReply("h")
          .get("messages")
          .forEach(
              m -> {
                if ("system".equals(m.get("kind").asText()))
                  events.add(m.get("body").get("event").asText());
              });
      assertEquals(List.of("created", "joined", "left"), events);
    } finally {
      for (List<WsClient> pair : devices.values()) for (WsClient ws : pair) ws.close();
    }
  }

  @Test
  void rolesDecideWhoManagesAndConvStateCarriesTheTitle(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String owner = Ids.user("own");
    String admin = Ids.user("adm");
    String member = Ids.user("mem");
    String ownerToken = api.registerAndLogin(owner);
    String adminToken = api.registerAndLogin(admin);
    String memberToken = api.registerAndLogin(member);
    try (WsClient o = WsClient.json(node.httpAddress());
        WsClient a = WsClient.json(node.httpAddress());
        WsClient m = WsClient.json(node.httpAddress())) {
      o.hello(ownerToken, "d", null);
      a.hello(adminToken, "d", null);
      m.hello(memberToken, "d", null);
      o.send(
          TestClient.frame(
              "create",
              "rid",
              "c",
              "kind",
              "group",
              "title",
              "team",
              "members",
              List.of(admin, member)));
      String conv = o.awaitReply("c").get("conv").asText();
      a.send(TestClient.frame("title", "rid", "t0", "conv", conv, "title", "mine"));
      assertEquals("forbidden", a.awaitReply("t0").get("code").asText(), "not yet an admin");
      o.send(TestClient.frame("role", "rid", "r", "conv", conv, "user", admin, "role", "admin"));
      assertEquals("ok", o.awaitReply("r").get("type").asText());
      a.send(TestClient.frame("title", "rid", "t1", "conv", conv, "title", "renamed"));
      assertEquals("ok", a.awaitReply("t1").get("type").asText());
      a.send(TestClient.frame("kick", "rid", "k0", "conv", conv, "user", owner));
      assertEquals("forbidden", a.awaitReply("k0").get("code").asText());
      a.send(TestClient.frame("kick", "rid", "k1", "conv", conv, "user", member));
      assertEquals("ok", a.awaitReply("k1").get("type").asText());
      JsonNode kicked = m.awaitMsgs(conv, 4).get(3);
      assertEquals("kicked", kicked.get("body").get("event").asText());
    }
    try (WsClient o = WsClient.json(node.httpAddress())) {
      o.hello(ownerToken, "d2", null);
      JsonNode state =
          o.convStates().values().stream()
              .filter(s -> s.get("kind").asText().equals("group"))
              .findFirst()
              .orElseThrow();
      assertEquals("renamed", state.get("title").asText());
      assertTrue(state.get("last_seq").asLong() >= 4);
    }
    try (WsClient m = WsClient.json(node.httpAddress())) {
      m.hello(memberToken, "d2", null);
      assertTrue(
          m.convStates().values().stream().noneMatch(s -> s.get("kind").asText().equals("group")),
          "a kicked member no longer lists the group");
    }
  }

  private static List<Long> seqs(List<JsonNode> msgs) {
    return msgs.stream().map(m -> m.get("seq").asLong()).toList();
  }

  private static List<Long> range(long from, long to) {
    List<Long> r = new ArrayList<>();
    for (long i = from; i <= to; i++) r.add(i);
    return r;
  }
}
