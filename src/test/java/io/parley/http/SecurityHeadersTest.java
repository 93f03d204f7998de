package io.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every answer of the HTTP port carries its security headers, once each, on a real node: REST
 * answers (successes and every kind of error: a route's own 400/401/413, Pekko's 404 and 405) a
 * policy that allows nothing and no-store; the web client's page and files a policy under which
 * images come only from the node itself (no avatar on another host: a tracking pixel).
 */
@Integration
@ExtendWith(TestNodes.class)
class SecurityHeadersTest {
  private static final Map<String, String> REST =
      Map.of(
          "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'",
          "Cache-Control", "no-store",
          "X-Content-Type-Options", "nosniff",
          "X-Frame-Options", "DENY",
          "Referrer-Policy", "no-referrer");
  private static final Map<String, String> PAGE =
      Map.of(
          "Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; connect-src 'self';"
              + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
          "Cache-Control",
          "no-cache",
          "X-Content-Type-Options",
          "nosniff",
          "X-Frame-Options",
          "DENY",
          "Referrer-Policy",
          "no-referrer");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private Api api;
  private String base;

  @BeforeEach
  void setUp(Node node) {
    api = new Api(node.httpAddress());
    base = "http://" + node.httpAddress().getHostString() + ":" + node.httpAddress().getPort();
  }

  @Test
  void restSuccessesCarryTheJsonPolicyAndNoStore() throws Exception {
    String ann = Ids.user("ann");
    String password = "password-" + ann;
    String register =
        "{\"user\":\"" + ann + "\",\"password\":\"" + password + "\",\"nickname\":\"Ann\"}";
    assertHeaders(201, REST, send("POST", "/api/v1/users", register, null));
    HttpResponse<String> login =
        send(
            "POST",
            "/api/v1/sessions",
            "{\"user\":\"" + ann + "\",\"password\":\"" + password + "\"}",
            null);
    assertHeaders(200, REST, login); // the answer that holds a token
    String token = api.registerAndLogin(Ids.user("bea"));
    assertHeaders(200, REST, send("GET", "/api/v1/users/" + ann, null, token));
    assertHeaders(200, REST, send("GET", "/api/v1/conversations", null, token));
  }

  @Test
  void restErrorsCarryThemToo() throws Exception {
    assertHeaders(401, REST, send("GET", "/api/v1/conversations", null, null));
    assertHeaders(400, REST, send("POST", "/api/v1/sessions", "{not json", null));
    assertHeaders(404, REST, send("GET", "/api/v1/no-such-route", null, null));
    assertHeaders(405, REST, send("PUT", "/api/v1/sessions", "{}", null));
    String tooLarge = "{\"user\":\"" + "x".repeat(100 * 1024) + "\"}";
    assertHeaders(413, REST, send("POST", "/api/v1/users", tooLarge, null));
  }

  @Test
  void theWebClientsPageAndFilesShowOnlyTheNodesOwnImages() throws Exception {
    assertHeaders(200, PAGE, send("GET", "/", null, null));
    assertHeaders(200, PAGE, send("GET", "/app.js", null, null));
    assertHeaders(200, PAGE, send("GET", "/style.css", null, null));
    assertHeaders(404, PAGE, send("GET", "/no-such-file.js", null, null));
  }

  private HttpResponse<String> send(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", "application/json");
    if (token != null) request.header("Authorization", "Bearer " + token);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertHeaders(
      int status, Map<String, String> expected, HttpResponse<String> response) {
    String what = response.request().method() + " " + response.uri().getPath();
    assertEquals(status, response.statusCode(), what + ": " + response.body());
    expected.forEach(
        (name, value) ->
            assertEquals(
                List.of(value),
                response.headers().allValues(name),
                what + " (" + response.statusCode() + ") header " + name));
    // Plain http: a Strict-Transport-Security header here would mean nothing (browsers ignore it
    // over http), and a node without TLS must not claim it.
    assertEquals(
        List.of(), response.headers().allValues("Strict-Transport-Security"), what + " HSTS");
  }
}
