package io.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Registers and logs in the run's users over REST ({@code POST /api/v1/users}, {@code POST
 * /api/v1/sessions}). Ids share a prefix unique to the run, so runs never meet each other's
 * conversations. Password hashing (Argon2id) makes this the slow part of setting up a run: a few
 * requests go at once, which keeps the node's two hashing threads busy.
 */
final class Users {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PARALLEL = 4;

  private final HttpClient http;
  private final String base;

  Users(HttpClient http, String host, int port) {
    this.http = http;
    this.base = "http://" + host + ":" + port + "/api/v1";
  }

  record User(String id, String token) {}

  /** A prefix for this run's user ids: "b" and the start time in base 36 (ids are 3-32 chars). */
  static String runPrefix() {
    return "b"
        + Long.toString(System.currentTimeMillis(), 36)
        + Integer.toString((int) (Math.random() * 36 * 36), 36);
  }

  /** Registers {@code count} users named prefix-0, prefix-1, ... and logs each in. */
  List<User> create(String prefix, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<Future<User>> pending = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String id = prefix + "-" + i;
        pending.add(pool.submit(() -> registerAndLogin(id)));
      }
      List<User> users = new ArrayList<>();
      for (Future<User> f : pending) users.add(f.get());
      return users;
    } finally {
      pool.shutdownNow();
    }
  }

  User registerAndLogin(String id) throws Exception {
    String password = "bench-password-" + id;
    int status =
        post("/users", Map.of("user", id, "password", password, "nickname", id)).statusCode();
    if (status != 201 && status != 409)
      throw new IllegalStateException("register " + id + ": HTTP " + status);
    HttpResponse<String> login = post("/sessions", Map.of("user", id, "password", password));
    if (login.statusCode() != 200) {
      throw new IllegalStateException(
          "login " + id + ": HTTP " + login.statusCode() + " " + login.body());
    }
    JsonNode body = JSON.readTree(login.body());
    return new User(id, body.get("token").asText());
  }

  private HttpResponse<String> post(String path, Map<String, String> body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
