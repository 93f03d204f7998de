package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nobody is put into a group without the conditions of consent: only registered users are added,
 * never one who blocks the inviter, and nobody more often than the hourly cap.
 */
@Integration
@ExtendWith(TestNodes.class)
class GroupConsentTest {

  @Test
  void createNamingAnUnregisteredIdIsRefusedAndStoresNothing(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String owner = Ids.user("owner");
    String bob = Ids.user("bob");
    String ghost = Ids.user("ghost");
    String ownerToken = api.registerAndLogin(owner);
    String bobToken = api.registerAndLogin(bob);
    try (WsClient o = WsClient.json(node.httpAddress())) {
      o.hello(ownerToken, "d", null);
      o.send(
          TestClient.frame(
              "create", "rid", "c", "kind", "group", "title", "t", "members", List.of(bob, ghost)));
      JsonNode refused = o.awaitReply("c");
      assertEquals("not_found", refused.path("code").asText(), refused.toString());
      assertTrue(
          refused.path("message").asText().contains(ghost), "names the unknown id: " + refused);
      assertTrue(
          !refused.path("message").asText().contains(bob), "names only unknown ids: " + refused);
    }
    String ghostToken = api.registerAndLogin(ghost);
    for (String token : List.of(ownerToken, bobToken, ghostToken)) {
      assertEquals(
          0,
          api.get("/conversations", token).body().get("conversations").size(),
          "no group was stored");
    }
  }

  @Test
  void inviteOfAnUnregisteredIdIsRefusedAndWhoeverRegistersItIsNoMember(Node node)
      throws Exception {
    Api api = new Api(node.httpAddress());
    String ghost = Ids.user("ghost");
    String bob = Ids.user("bob");
    api.registerAndLogin(bob);
    try (WsClient o = api.phone(Ids.user("owner"))) {
      String conv = create(o, List.of(bob));
      o.send(TestClient.frame("invite", "rid", "i", "conv", conv, "users", List.of(bob, ghost)));
      JsonNode refused = o.awaitReply("i");
      assertEquals("not_found", refused.path("code").asText(), refused.toString());
      assertTrue(refused.path("message").asText().contains(ghost), refused.toString());

      String ghostToken = api.registerAndLogin(ghost);
      assertNull(api.conversation(ghostToken, conv), "the group is not listed for the new user");
      try (WsClient g = WsClient.json(node.httpAddress())) {
        g.hello(ghostToken, "d", null);
        assertOutside(g, o, conv);
      }
      o.send(TestClient.frame("history", "rid", "h", "conv", conv, "after", 0, "limit", 200));
      List<String> stored = new ArrayList<>();
      o.awaitReply("h").get("messages").forEach(m -> stored.add(m.get("kind").asText()));
      assertEquals(
          List.of("system", "text"),
          stored,
          "created, then the probe: the refused invite stored nothing");
    }
  }

  @Test
  void aUserWhoBlocksTheInviterIsSkippedSilently(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String owner = Ids.user("owner");
    String bob = Ids.user("bob");
    String carol = Ids.user("carol");
    try (WsClient o = api.phone(owner);
        WsClient b = api.phone(bob);
        WsClient c = api.phone(carol)) {
      c.send(TestClient.frame("block", "rid", "bl", "user", owner));
      assertEquals("ok", c.awaitReply("bl").path("type").asText());

      String conv = create(o, List.of(bob, carol));
      assertEquals(List.of(bob), createdMembers(o, conv), "carol is not added");
      o.send(TestClient.frame("invite", "rid", "i", "conv", conv, "users", List.of(carol)));
      assertEquals(
          "ok", o.awaitReply("i").path("type").asText(), "the inviter is not told of the block");

      assertOutside(c, o, conv);
      assertEquals(2, o.msgs(conv).size(), "created, then the probe: the invite stored nothing");
      assertEquals(2, b.awaitMsgs(conv, 2).size(), "bob is a member");
    }
  }

  @Test
  void nobodyIsAddedToMoreGroupsAnHourThanTheCap() throws Exception {
    try (Node own = TestNodes.start(Map.of("parley.conversation.max-group-adds-per-hour", 3))) {
      Api api = new Api(own.httpAddress());
      String victim = Ids.user("victim");
      String other = Ids.user("other");
      try (WsClient v = api.phone(victim);
          WsClient w = api.phone(other);
          WsClient first = api.phone(Ids.user("first"));
          WsClient second = api.phone(Ids.user("second"))) {
        // Three adds by two inviters: the cap is per invitee, whoever invites.
        List<String> groups = new ArrayList<>();
        groups.add(create(first, List.of(victim)));
        groups.add(create(first, List.of(victim)));
        groups.add(create(second, List.of(victim, other)));
        for (String conv : groups) assertTrue(createdMembers(v, conv).contains(victim), conv);

        String fourth = create(second, List.of(victim, other));
        assertEquals(
            List.of(other),
            createdMembers(second, fourth),
            "the fourth add within the hour is skipped");
        assertOutside(v, second, fourth);
        w.awaitMsgs(fourth, 2);

        second.send(
            TestClient.frame("invite", "rid", "i", "conv", fourth, "users", List.of(victim)));
        assertEquals("ok", second.awaitReply("i").path("type").asText());
        assertOutside(v, second, fourth);

        assertEquals(
            2, v.sentSeq(groups.get(0), "still-in", "earlier adds stand"), "earlier adds stand");

        // Adds that arrive at once are reserved one at a time: a burst gets no further.
        String target = Ids.user("target");
        try (WsClient t = api.phone(target)) {
          int burst = 6;
          for (int i = 0; i < burst; i++) {
            first.send(
                TestClient.frame(
                    "create",
                    "rid",
                    "b" + i,
                    "kind",
                    "group",
                    "title",
                    "t",
                    "members",
                    List.of(target)));
          }
          int added = 0;
          for (int i = 0; i < burst; i++) {
            String conv = first.awaitReply("b" + i).get("conv").asText();
            if (createdMembers(first, conv).contains(target)) added++;
          }
          assertEquals(3, added, "of " + burst + " groups created at once");
        }
      }
    }
  }

  /** Creates a group of {@code o}'s user and members; returns its id. */
  static String create(WsClient o, List<String> members) throws Exception {
    String rid = "c-" + members.hashCode() + "-" + System.nanoTime();
    o.send(
        TestClient.frame("create", "rid", rid, "kind", "group", "title", "t", "members", members));
    JsonNode created = o.awaitReply(rid);
    assertEquals("created", created.path("type").asText(), created.toString());
    return created.get("conv").asText();
  }

  /** The members listed in the group's "created" entry, as {@code o} (a member) received it. */
  static List<String> createdMembers(WsClient o, String conv) throws Exception {
    List<String> members = new ArrayList<>();
    o.awaitMsgs(conv, 1).get(0).get("body").get("members").forEach(m -> members.add(m.asText()));
    return members;
  }

  /**
   * {@code outsider} is not in {@code conv}: a message {@code member} sends there does not reach it
   * (it answers a ping after the member has the message), and its history request is refused.
   */
  static void assertOutside(WsClient outsider, WsClient member, String conv) throws Exception {
    long seq = member.sentSeq(conv, "probe-" + System.nanoTime(), "members only");
    member.awaitMsgs(conv, (int) seq);
    String rid = "p-" + System.nanoTime();
    outsider.send(TestClient.frame("ping", "rid", rid));
    outsider.awaitReply(rid);
    assertEquals(0, outsider.msgs(conv).size(), "no entries of a group one is not in");
    outsider.send(
        TestClient.frame("history", "rid", "h-" + rid, "conv", conv, "after", 0, "limit", 200));
    assertEquals("forbidden", outsider.awaitReply("h-" + rid).path("code").asText());
  }
}
