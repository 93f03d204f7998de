package io.parley.moderation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The operator's moderation service, over HTTP (docs/operations.md, "Content filter"): a POST of
 * {@code {"conv","kind","from","body"}} as JSON, with {@code Authorization: Bearer <secret>} when a
 * secret is set, answered 200 with {@code {"verdict":"allow"}}, {@code {"verdict":"reject"}} or
 * {@code {"verdict":"replace","body":"<the text to store>"}}. Any other answer is a failure.
 */
public final class WebhookModeration implements ModerationHook {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI url;
  private final String secret;
  private final Duration timeout;

  public WebhookModeration(String url, String secret, Duration timeout) {
    this.url = URI.create(url);
    this.secret = secret;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public CompletionStage<Verdict> review(String conv, String kind, String from, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json(conv, kind, from, body)));
    if (!secret.isEmpty()) request.header("Authorization", "Bearer " + secret);
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> verdict(response, body));
  }

  private static String json(String conv, String kind, String from, String body) {
    try {
      return JSON.writeValueAsString(
          JSON.createObjectNode()
              .put("conv", conv)
              .put("kind", kind)
              .put("from", from)
              .put("body", body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Verdict verdict(HttpResponse<String> response, String body) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException("moderation service answered " + response.statusCode());
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("moderation service answered no JSON", e);
    }
    String verdict = answer.path("verdict").asText();
    JsonNode replaced = answer.path("body");
    return switch (verdict) {
      case "allow" -> Verdict.pass(body);
      case "reject" -> Verdict.REJECT;
      case "replace" -> {
        if (!replaced.isTextual()) throw new IllegalStateException("replace without a body");
        yield Verdict.pass(replaced.textValue());
      }
      default -> throw new IllegalStateException("moderation service answered " + verdict);
    };
  }
}
