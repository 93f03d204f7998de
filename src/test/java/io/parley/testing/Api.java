package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A real HTTP client for the REST API, over HTTP or HTTPS. */
public final class Api {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final InetSocketAddress address;
  private final TestTls tls;
  private final String base;

  public Api(InetSocketAddress address) {
    this(address, null);
  }

  /** Over HTTPS if {@code tls} is not null, trusting its certificate. */
  public Api(InetSocketAddress address, TestTls tls) {
    this.address = address;
    this.tls = tls;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (tls != null) builder.sslContext(tls.clientContext());
    this.http = builder.build();
    this.base =
        (tls == null ? "http://" : "https://")
            + address.getHostString()
            + ":"
            + address.getPort()
            + "/api/v1";
  }

  public record Response(int status, JsonNode body) {}

  public Response post(String path, Map<String, String> body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode json = response.body().isEmpty() ? null : JSON.readTree(response.body());
    return new Response(response.statusCode(), json);
  }

  public Response get(String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
    if (token != null) request.header("Authorization", "Bearer " + token);
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = response.body().isEmpty() ? null : JSON.readTree(response.body());
    return new Response(response.statusCode(), json);
  }

  /** The caller's entry for conv in GET /conversations, or null. */
  public JsonNode conversation(String token, String conv) throws Exception {
    Response list = get("/conversations", token);
    if (list.status() != 200) throw new AssertionError("GET /conversations: " + list);
    for (JsonNode item : list.body().get("conversations")) {
      if (conv.equals(item.get("conv").asText())) return item;
    }
    return null;
  }

  public Response register(String user, String password) throws Exception {
    return post("/users", Map.of("user", user, "password", password, "nickname", user));
  }

  /** Registers the user (password "password-" + user) and returns a fresh token. */
  public String registerAndLogin(String user) throws Exception {
    return registerAndLogin(user, user);
  }

  /** As {@link #registerAndLogin(String)}, under this nickname. */
  public String registerAndLogin(String user, String nickname) throws Exception {
    Response created =
        post("/users", Map.of("user", user, "password", "password-" + user, "nickname", nickname));
    if (created.status() != 201) throw new AssertionError("register " + user + ": " + created);
    return login(user);
  }

  /** A fresh token for a user registered by {@link #registerAndLogin(String)}: another login. */
  public String login(String user) throws Exception {
    Response session = post("/sessions", Map.of("user", user, "password", "password-" + user));
    if (session.status() != 200) throw new AssertionError("login " + user + ": " + session);
    return session.body().get("token").asText();
  }

  /** A new user, registered and signed in: a JSON WebSocket that said hello as device "phone". */
  public WsClient phone(String user) throws Exception {
    String token = registerAndLogin(user);
    WsClient client = WsClient.json(address, tls);
    try {
      client.hello(token, "phone", null);
      return client;
    } catch (Exception | AssertionError e) {
      client.close();
      throw e;
    }
  }
}
