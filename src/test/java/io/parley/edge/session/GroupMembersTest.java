package io.parley.edge.session;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Endpoints;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a client can know of a group's members (docs/protocol.md "Groups"): its own role in
 * conv_state and the conversations list, and the {@code members} query, whoever joined when.
 */
@Integration
@ExtendWith(TestNodes.class)
class GroupMembersTest {

  @Test
  void convStateCarriesTheUsersOwnRoleAfterARoleChangeAndAfterTheOwnerLeaves(Endpoints node)
      throws Exception {
    Api api = node.api();
    String olga = Ids.user("olga");
    String ann = Ids.user("ann");
    String ben = Ids.user("ben");
    Map<String, String> tokens =
        Map.of(
            olga, api.registerAndLogin(olga),
            ann, api.registerAndLogin(ann),
            ben, api.registerAndLogin(ben));
    String group;
    try (WsClient ws = node.json()) {
      ws.hello(tokens.get(olga), "phone", null);
      group = create(ws, List.of(ann, ben));
      ws.send(frame("role", "rid", "r", "conv", group, "user", ann, "role", "admin"));
      assertEquals("ok", ws.awaitReply("r").get("type").asText());
    }
    assertEquals("owner", role(node, tokens.get(olga), group));
    assertEquals("admin", role(node, tokens.get(ann), group));
    assertEquals("member", role(node, tokens.get(ben), group));
    assertEquals("admin", api.conversation(tokens.get(ann), group).path("role").asText());

    try (WsClient ws = node.json()) {
      ws.hello(tokens.get(olga), "phone", null);
      ws.send(frame("leave", "rid", "l", "conv", group));
      assertEquals("ok", ws.awaitReply("l").get("type").asText());
    }
    assertEquals("owner", role(node, tokens.get(ann), group), "the admin took over");
    assertEquals("member", role(node, tokens.get(ben), group));
    assertEquals("owner", api.conversation(tokens.get(ann), group).path("role").asText());
  }

  @Test
  void aMemberAddedLaterGetsEveryMembersRoleInOrderAndStrangersAreForbidden(Endpoints node)
      throws Exception {
    Api api = node.api();
    String olga = Ids.user("olga");
    List<String> first = List.of(Ids.user("m"), Ids.user("m"), Ids.user("m"));
    String admin = Ids.user("zed"); // sorts after the members by id, before them by role
    String late = Ids.user("late");
    String stranger = Ids.user("str");
    List<String> others = new ArrayList<>(first);
    others.add(admin);
    for (String u : others) api.registerAndLogin(u);
    String lateToken = api.registerAndLogin(late);
    try (WsClient owner = api.phone(olga);
        WsClient newcomer = node.json();
        WsClient outsider = api.phone(stranger)) {
      String group = create(owner, others);
      owner.send(frame("role", "rid", "r", "conv", group, "user", admin, "role", "admin"));
      assertEquals("ok", owner.awaitReply("r").get("type").asText());
      owner.send(frame("invite", "rid", "i", "conv", group, "users", List.of(late)));
      assertEquals("ok", owner.awaitReply("i").get("type").asText());
      newcomer.hello(lateToken, "phone", null);

      List<String> expected = new ArrayList<>(List.of(olga + " owner", admin + " admin"));
      List<String> members = new ArrayList<>(first);
      members.add(late);
      members.stream().sorted().forEach(u -> expected.add(u + " member"));
      newcomer.send(frame("members", "rid", "all", "conv", group));
      JsonNode all = newcomer.awaitReply("all");
      assertEquals(expected, lines(all), all.toString());
      assertFalse(all.has("more"), "one page holds them: " + all);

      List<String> paged = new ArrayList<>();
      String cursor = null;
      for (int page = 0; page < 3; page++) {
        var query = frame("members", "rid", "p" + page, "conv", group, "limit", 2);
        if (cursor != null) query.put("cursor", cursor);
        newcomer.send(query);
        JsonNode reply = newcomer.awaitReply("p" + page);
        paged.addAll(lines(reply));
        cursor = reply.path("cursor").asText(null);
        assertEquals(page < 2, reply.path("more").asBoolean(false), reply.toString());
      }
      assertEquals(expected, paged, "pages of 2 add up to the whole list");

      outsider.send(frame("members", "rid", "s", "conv", group));
      assertEquals("forbidden", outsider.awaitReply("s").path("code").asText());
      outsider.send(frame("members", "rid", "n", "conv", Ids.group("none")));
      assertEquals("forbidden", outsider.awaitReply("n").path("code").asText(), "same answer");
      outsider.send(frame("members", "rid", "room", "conv", "r:" + stranger));
      assertEquals("bad_request", outsider.awaitReply("room").path("code").asText());
      outsider.send(frame("members", "rid", "big", "conv", group, "limit", 100_000));
      assertEquals("bad_request", outsider.awaitReply("big").path("code").asText());
      newcomer.send(frame("members", "rid", "cur", "conv", group, "cursor", "9:nobody"));
      assertEquals("bad_request", newcomer.awaitReply("cur").path("code").asText());

      String direct = Ids.direct(olga, stranger);
      outsider.send(frame("members", "rid", "d", "conv", direct));
      List<String> pair = new ArrayList<>();
      List.of(olga, stranger).stream().sorted().forEach(u -> pair.add(u + " member"));
      assertEquals(pair, lines(outsider.awaitReply("d")));
      newcomer.send(frame("members", "rid", "d2", "conv", direct));
      assertEquals("forbidden", newcomer.awaitReply("d2").path("code").asText());
    }
  }

  /** On a node of its own with the production frame budgets (the shared one raises them). */
  @Test
  void aFloodOfMembersQueriesIsCutAndEachGetsOneAnswer() throws Exception {
    try (Node limited = TestNodes.startWithRealFrameLimits(Map.of());
        WsClient ws = new Api(limited.httpAddress()).phone(Ids.user("flo"))) {
      int burst = limited.system().settings().config().getInt("parley.limits.frames.queries.burst");
      int requests = burst * 3;
      String group = create(ws, List.of());
      for (int i = 0; i < requests; i++) ws.send(frame("members", "rid", "q" + i, "conv", group));
      int pages = 0;
      int refused = 0;
      for (int i = 0; i < requests; i++) {
        JsonNode reply = ws.awaitReply("q" + i);
        if ("members".equals(reply.path("type").asText())) pages++;
        else if ("rate_limited".equals(reply.path("code").asText())) refused++;
      }
      assertTrue(refused > 0, "the flood was cut: " + pages + " pages");
      assertEquals(requests, pages + refused, "a page or rate_limited, nothing else");
      assertTrue(
          ws.othersSnapshot().stream().noneMatch(f -> f.path("rid").asText("").startsWith("q")),
          "one answer each");
    }
  }

  private static String create(WsClient ws, List<String> members) throws Exception {
    ws.send(frame("create", "rid", "g", "kind", "group", "title", "members", "members", members));
    JsonNode created = ws.awaitReply("g");
    assertEquals("created", created.path("type").asText(), created.toString());
    return created.get("conv").asText();
  }

  /** The user's role in conv_state on a fresh connection. */
  private static String role(Endpoints node, String token, String conv) throws Exception {
    try (WsClient ws = node.json()) {
      ws.hello(token, "tablet", null);
      return ws.convStates().get(conv).path("role").asText(null);
    }
  }

  private static List<String> lines(JsonNode members) {
    List<String> lines = new ArrayList<>();
    members
        .get("members")
        .forEach(m -> lines.add(m.get("user").asText() + " " + m.get("role").asText()));
    return lines;
  }
}
