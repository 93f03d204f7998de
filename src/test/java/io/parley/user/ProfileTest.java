package io.parley.user;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Profiles over REST, logout (token revocation) and the Bearer check of every REST call. */
@Integration
@ExtendWith(TestNodes.class)
class ProfileTest {
  private Node node;
  private Api api;
  private Rest rest;

  @BeforeEach
  void setUp(Node shared) {
    node = shared;
    api = new Api(node.httpAddress());
    rest = new Rest(node.httpAddress());
  }

  @Test
  void getUserShowsTheProfileAndUnknownUsersAre404() throws Exception {
    String max = Ids.user("max");
    String ned = Ids.user("ned");
    String token = api.registerAndLogin(max);
    api.registerAndLogin(ned);

    Api.Response found = api.get("/users/" + ned, token);
    assertEquals(200, found.status(), found.toString());
    assertEquals(ned, found.body().get("user").asText());
    assertEquals(ned, found.body().get("nickname").asText());
    assertTrue(found.body().get("avatar").isNull());

    Api.Response unknown = api.get("/users/" + Ids.user("ghost"), token);
    assertEquals(404, unknown.status());
    assertEquals("not_found", unknown.body().get("error").asText());
    assertEquals(404, api.get("/users/NOT%20AN%20ID", token).status());
  }

  @Test
  void patchMeChangesNicknameAndAvatarAndRejectsBadValues() throws Exception {
    String oli = Ids.user("oli");
    String token = api.registerAndLogin(oli);

    Api.Response changed =
        rest.patchMe(
            token, Map.of("nickname", "Oli the Great", "avatar", "https://img.example/o.png"));
    assertEquals(200, changed.status(), changed.toString());
    assertEquals("Oli the Great", changed.body().get("nickname").asText());
    Api.Response read = api.get("/users/" + oli, token);
    assertEquals("Oli the Great", read.body().get("nickname").asText());
    assertEquals("https://img.example/o.png", read.body().get("avatar").asText());

    String longUrl = "https://img.example/" + "a".repeat(512);
    List<Object> bad =
        List.of(
            Map.of("nickname", ""),
            Map.of("nickname", "   "),
            Map.of("nickname", "n".repeat(65)),
            Map.of("nickname", 42),
            Map.of("avatar", "ftp://img.example/o.png"),
            Map.of("avatar", "/relative/o.png"),
            Map.of("avatar", "not a url"),
            Map.of("avatar", "https:opaque"),
            Map.of("avatar", longUrl),
            Map.of("avatar", 7),
            List.of("not", "an", "object"));
    for (Object body : bad) {
      Api.Response refused = rest.patchMe(token, body);
      assertEquals(400, refused.status(), body + " -> " + refused);
      assertEquals("bad_request", refused.body().get("error").asText());
      assertTrue(refused.body().has("message"));
    }
    assertEquals(400, rest.call("PATCH", "/me", token, "{not json").status());
    assertEquals("Oli the Great", api.get("/users/" + oli, token).body().get("nickname").asText());

    // A 64-char nickname is fine; null and "" clear the avatar; absent fields stay.
    String nickname = "n".repeat(64);
    assertEquals(200, rest.patchMe(token, Map.of("nickname", nickname)).status());
    assertEquals(
        "https://img.example/o.png", api.get("/users/" + oli, token).body().get("avatar").asText());
    Map<String, Object> clear = new HashMap<>();
    clear.put("avatar", null);
    Api.Response cleared = rest.patchMe(token, clear);
    assertEquals(200, cleared.status());
    assertTrue(cleared.body().get("avatar").isNull());
    assertEquals(nickname, cleared.body().get("nickname").asText());
    rest.patchMe(token, Map.of("avatar", "http://img.example/again.png"));
    assertTrue(rest.patchMe(token, Map.of("avatar", "")).body().get("avatar").isNull());
  }

  @Test
  void logoutClosesTheSocketsOfThatTokenOnlyAndTheTokenStopsWorking() throws Exception {
    String pia = Ids.user("pia");
    String revoked = api.registerAndLogin(pia);
    String other =
        api.post("/sessions", Map.of("user", pia, "password", "password-" + pia))
            .body()
            .get("token")
            .asText();
    try (WsClient phone = WsClient.json(node.httpAddress());
        WsClient laptop = WsClient.json(node.httpAddress())) {
      phone.hello(revoked, "phone", null);
      laptop.hello(other, "laptop", null);

      Api.Response logout = rest.call("DELETE", "/sessions", revoked, null);
      assertEquals(204, logout.status(), logout.toString());

      JsonNode error = phone.awaitType("error");
      assertEquals("unauthorized", error.get("code").asText());
      phone.awaitClose();
      laptop.send(frame("ping", "rid", "still-there"));
      assertEquals("pong", laptop.awaitReply("still-there").get("type").asText());

      assertEquals(401, api.get("/conversations", revoked).status());
      assertEquals(401, api.get("/users/" + pia, revoked).status());
      assertEquals(401, rest.call("DELETE", "/sessions", revoked, null).status());
      assertEquals(200, api.get("/conversations", other).status());
    }

    // A socket that says hello with the revoked token is told so and closed.
    try (WsClient late = WsClient.json(node.httpAddress())) {
      late.send(frame("hello", "token", revoked, "device", "late"));
      JsonNode error = late.await(f -> "error".equals(f.path("type").asText()), "unauthorized");
      assertEquals("unauthorized", error.get("code").asText());
      late.awaitClose();
    }
  }

  @Test
  void everyAuthenticatedRestCallWithoutAValidTokenIs401() throws Exception {
    String quin = Ids.user("quin");
    api.registerAndLogin(quin);
    String conv = Ids.direct(quin, Ids.user("rex"));
    for (String token : new String[] {null, "not-a-token"}) {
      List<Api.Response> responses =
          List.of(
              rest.call("GET", "/users/" + quin, token, null),
              rest.call("PATCH", "/me", token, "{\"nickname\":\"x\"}"),
              rest.call("DELETE", "/sessions", token, null),
              rest.call("GET", "/conversations", token, null),
              rest.call("GET", "/conversations/" + conv + "/messages", token, null));
      for (Api.Response response : responses) {
        assertEquals(401, response.status(), response.toString());
        assertEquals("unauthorized", response.body().get("error").asText());
      }
    }
  }
}
