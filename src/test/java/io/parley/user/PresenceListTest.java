package io.parley.user;

import static io.parley.testing.TestClient.frame;
import static io.parley.user.Contacting.presence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
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
 * Presence that is known: after welcome, one frame with the friends' current presence, and a
 * presence query; both friends only, on the real node.
 */
@Integration
@ExtendWith(TestNodes.class)
class PresenceListTest {

  private static List<String> users(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.get("friends").forEach(f -> out.add(f.get("user").asText()));
    return out;
  }

  private static JsonNode friend(JsonNode list, String user) {
    for (JsonNode f : list.get("friends")) if (user.equals(f.get("user").asText())) return f;
    throw new AssertionError(user + " not in " + list);
  }

  private static JsonNode helloList(WsClient client) throws Exception {
    JsonNode list = client.awaitType("presence_list");
    assertTrue(list.path("rid").isMissingNode(), list.toString());
    return list;
  }

  @Test
  void helloBringsTheFriendsCurrentPresenceAndAQueryAnswersForFriendsOnly(Node node)
      throws Exception {
    Api api = new Api(node.httpAddress());
    String kim = Ids.user("kim");
    String lou = Ids.user("lou");
    String max = Ids.user("max");
    String ned = Ids.user("ned");
    String kimToken = api.registerAndLogin(kim);
    try (WsClient louPhone = api.phone(lou);
        WsClient nedPhone = api.phone(ned)) {
      long maxLeft;
      try (WsClient kimSetup = WsClient.json(node.httpAddress())) {
        kimSetup.hello(kimToken, "setup", null);
        try (WsClient maxPhone = api.phone(max)) {
          PeopleTest.befriend(kimSetup, kim, louPhone, lou);
          PeopleTest.befriend(kimSetup, kim, maxPhone, max);
          // Ned is online, but only asked to be Kim's friend: not a friend.
          assertEquals("ok", Contacting.op(nedPhone, "friend_request", kim).path("type").asText());
          maxLeft = System.currentTimeMillis();
        }
        // Max's entity has stored his going offline once Kim's devices hear of it.
        presence(kimSetup, max, "offline");
      }

      try (WsClient kimPhone = WsClient.json(node.httpAddress())) {
        kimPhone.hello(kimToken, "phone", null);
        JsonNode list = helloList(kimPhone);
        assertEquals(List.of(lou, max), users(list), "friends only, by id: " + list);
        assertEquals("online", friend(list, lou).get("state").asText());
        assertTrue(friend(list, lou).path("last_seen").isMissingNode(), list.toString());
        assertEquals("offline", friend(list, max).get("state").asText());
        assertTrue(friend(list, max).get("last_seen").asLong() >= maxLeft, list.toString());
        assertTrue(list.path("more").isMissingNode(), list.toString());

        // A query names anyone; only friends are answered, the rest left out without an error.
        kimPhone.send(
            frame("presence", "rid", "q1", "users", List.of(ned, max, lou, Ids.user("ghost"))));
        JsonNode answer = kimPhone.awaitReply("q1");
        assertEquals("presence_list", answer.path("type").asText(), answer.toString());
        assertEquals(List.of(max, lou), users(answer), "in the order asked");
        assertEquals("offline", friend(answer, max).get("state").asText());

        // Ned asked Kim to be friends: still not a friend, so he learns nothing of her.
        nedPhone.send(frame("presence", "rid", "q2", "users", List.of(kim)));
        assertEquals(List.of(), users(nedPhone.awaitReply("q2")));

        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i <= 100; i++) tooMany.add("user" + i);
        kimPhone.send(frame("presence", "rid", "q3", "users", tooMany));
        assertEquals("bad_request", kimPhone.awaitReply("q3").path("code").asText());
      }
    }
  }

  @Test
  void theHelloListIsCappedAndSaysThereAreMore() throws Exception {
    try (Node own = TestNodes.start(Map.of("parley.presence.list-max", 1))) {
      Api api = new Api(own.httpAddress());
      String ona = Ids.user("ona");
      String pia = Ids.user("pia");
      String quy = Ids.user("quy");
      String onaToken = api.registerAndLogin(ona);
      try (WsClient piaPhone = api.phone(pia);
          WsClient quyPhone = api.phone(quy)) {
        try (WsClient onaSetup = WsClient.json(own.httpAddress())) {
          onaSetup.hello(onaToken, "setup", null);
          PeopleTest.befriend(onaSetup, ona, piaPhone, pia);
          PeopleTest.befriend(onaSetup, ona, quyPhone, quy);
        }
        try (WsClient onaPhone = WsClient.json(own.httpAddress())) {
          onaPhone.hello(onaToken, "phone", null);
          JsonNode list = helloList(onaPhone);
          assertEquals(List.of(pia), users(list), list.toString());
          assertTrue(list.get("more").asBoolean(), list.toString());
          // The others are a query away.
          onaPhone.send(frame("presence", "rid", "rest", "users", List.of(quy)));
          JsonNode rest = onaPhone.awaitReply("rest");
          assertEquals("online", friend(rest, quy).get("state").asText(), rest.toString());
        }
      }
    }
  }
}
