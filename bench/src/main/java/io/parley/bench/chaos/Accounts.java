package io.parley.bench.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Registers and logs in users over REST ({@code POST /api/v1/users}, {@code POST /api/v1/sessions})
 * on whichever edge answers: a request that fails or gets 5xx or 429 moves on to the next edge, for
 * a bounded time, since an edge may be down when the load starts.
 */
final class Accounts {
  private static final ObjectMapper JSON = new ObjectMapper();
  // How long one user's registration and login may keep failing over edges before start() fails.
  private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(120);
  // Each request's own bound: Argon2id hashing on a loaded 2-core box takes a while.
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PAUSE = Duration.ofMillis(500);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<InetSocketAddress> edges;

  Accounts(List<InetSocketAddress> edges) {
    this.edges = List.copyOf(edges);
  }

  /** Registers {@code user} (409, already there, is fine) and returns a fresh token. */
  String registerAndLogin(String user, int firstEdge) throws Exception {
    String password = "chaos-password-" + user;
    int status =
        post(firstEdge, "/users", Map.of("user", user, "password", password, "nickname", user))
            .statusCode();
    if (status != 201 && status != 409)
      throw new IllegalStateException("register " + user + ": HTTP " + status);
    HttpResponse<String> login =
        post(firstEdge, "/sessions", Map.of("user", user, "password", password));
    if (login.statusCode() != 200)
      throw new IllegalStateException("login " + user + ": HTTP " + login.statusCode());
    return JSON.readTree(login.body()).get("token").asText();
  }

  private HttpResponse<String> post(int firstEdge, String path, Map<String, String> body)
      throws Exception {
    Instant deadline = Instant.now().plus(GIVE_UP_AFTER);
    for (int i = firstEdge; ; i++) {
      InetSocketAddress edge = edges.get(Math.floorMod(i, edges.size()));
      try {
        HttpResponse<String> response = http.send(request(edge, path, body), ofString());
        // 429: the edge's per-address budget (the runner raises it: docs/benchmarks.md); wait.
        if (response.statusCode() < 500 && response.statusCode() != 429) return response;
      } catch (IOException e) {
        // this edge is down or cut off: the next one
      }
      if (Instant.now().isAfter(deadline))
        throw new IllegalStateException("no edge answered POST " + path + " for " + GIVE_UP_AFTER);
      Thread.sleep(PAUSE.toMillis()); // a pause between attempts, not synchronisation
    }
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }

  private static HttpRequest request(InetSocketAddress edge, String path, Map<String, String> body)
      throws IOException {
    return HttpRequest.newBuilder(
            URI.create("http://" + edge.getHostString() + ":" + edge.getPort() + "/api/v1" + path))
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
        .build();
  }
}
