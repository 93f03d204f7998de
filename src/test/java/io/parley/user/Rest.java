package io.parley.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.testing.Api;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Any REST call with any method, token and raw body (Api covers only GET and POST). */
public final class Rest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final String base;

  public Rest(InetSocketAddress address) {
    this.base = "http://" + address.getHostString() + ":" + address.getPort() + "/api/v1";
  }

  /** token and body may be null. */
  public Api.Response call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(TIMEOUT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", "application/json");
    if (token != null) request.header("Authorization", "Bearer " + token);
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = response.body().isEmpty() ? null : JSON.readTree(response.body());
    return new Api.Response(response.statusCode(), json);
  }

  Api.Response patchMe(String token, Object body) throws Exception {
    return call("PATCH", "/me", token, JSON.writeValueAsString(body));
  }
}
