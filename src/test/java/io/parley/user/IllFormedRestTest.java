package io.parley.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * REST input that cannot be stored is refused with 400 and the project's error JSON, and changes
 * nothing: profile text that is not well-formed Unicode (a lone UTF-16 surrogate, which the user
 * entity's journal cannot serialize). Bodies are bounded: a 1 MiB body is 413.
 */
@Integration
@ExtendWith(TestNodes.class)
class IllFormedRestTest {
  // As JSON text: the escape of a lone surrogate (a Java string holding the char itself would be
  // sent as "?" by the HTTP client's UTF-8 encoder).
  private static final String LONE = "bad \\ud800 text";
  private Api api;
  private Rest rest;
  private Node node;

  @BeforeEach
  void setUp(Node shared) {
    node = shared;
    api = new Api(node.httpAddress());
    rest = new Rest(node.httpAddress());
  }

  @Test
  void registerRefusesANicknameOrPasswordThatIsNotWellFormed() throws Exception {
    String eve = Ids.user("eve");
    assertBadRequest(register(eve, "password-ok", LONE));
    assertBadRequest(register(eve, "password " + LONE, "Eve"));
    // Nothing was stored: the id is still free.
    assertEquals(201, api.register(eve, "password-" + eve).status());
  }

  @Test
  void patchMeRefusesANicknameOrAvatarThatIsNotWellFormed() throws Exception {
    String oli = Ids.user("oli");
    String token = api.registerAndLogin(oli);
    assertBadRequest(rest.call("PATCH", "/me", token, "{\"nickname\":\"" + LONE + "\"}"));
    assertBadRequest(
        rest.call("PATCH", "/me", token, "{\"avatar\":\"https://img.example/" + LONE + "\"}"));
    Api.Response profile = api.get("/users/" + oli, token);
    assertEquals(oli, profile.body().get("nickname").asText());
    assertEquals(200, rest.patchMe(token, Map.of("nickname", "Oli 😀")).status());
    assertEquals("Oli 😀", api.get("/users/" + oli, token).body().get("nickname").asText());
  }

  @Test
  void aMebibyteBodyIs413AndTheNodeKeepsServing() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String huge = "{\"user\":\"" + "x".repeat(1 << 20) + "\"}";
    var address = node.httpAddress();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://"
                        + address.getHostString()
                        + ":"
                        + address.getPort()
                        + "/api/v1/users"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(huge))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(413, response.statusCode());
    assertEquals("too_large", new ObjectMapper().readTree(response.body()).get("error").asText());
    assertEquals(201, api.register(Ids.user("after"), "password-after").status());
  }

  private Api.Response register(String user, String password, String nickname) throws Exception {
    String body =
        "{\"user\":\""
            + user
            + "\",\"password\":\""
            + password
            + "\",\"nickname\":\""
            + nickname
            + "\"}";
    return rest.call("POST", "/users", null, body);
  }

  private static void assertBadRequest(Api.Response response) {
    assertEquals(400, response.status(), response.toString());
    assertEquals("bad_request", response.body().get("error").asText(), response.toString());
  }
}
