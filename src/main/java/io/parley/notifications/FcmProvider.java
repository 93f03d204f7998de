package io.parley.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Firebase Cloud Messaging, HTTP v1 API ({@code parley.push.fcm}): one POST
 * /v1/projects/{project}/messages:send per push, with an access token from the service account. The
 * conversation is the Android collapse key and notification tag (a newer push replaces the older
 * one) and the iOS thread id; FCM's data values are strings.
 */
public final class FcmProvider implements PushProvider {
  static final String UNREGISTERED = "UNREGISTERED";

  private final HttpClient http;
  private final ProviderSettings common;
  private final URI sendUri;
  private final FcmAccessTokens tokens;

  FcmProvider(HttpClient http, ProviderSettings common, ProviderSettings.Block fcm) {
    this.http = http;
    this.common = common;
    ServiceAccount account = ServiceAccount.read(fcm, "service-account-file");
    String endpoint = fcm.url("endpoint").toString().replaceAll("/+$", "");
    try {
      this.sendUri =
          URI.create(endpoint + "/v1/projects/" + account.projectId() + "/messages:send");
    } catch (IllegalArgumentException e) {
      throw fcm.bad("service-account-file", "holds a project_id that is no URL path segment");
    }
    try {
      this.tokens = new FcmAccessTokens(http, account, common, fcm.duration("token-renew-margin"));
    } catch (RuntimeException e) {
      throw fcm.bad("service-account-file", "holds a private_key that cannot sign RS256: " + e);
    }
  }

  @Override
  public Provider kind() {
    return Provider.FCM;
  }

  @Override
  public CompletionStage<Outcome> send(Notification n) {
    return PushHttp.settle(() -> attempt(n, true));
  }

  /** One send; a 401 (the token revoked or expired early) renews the token and sends once more. */
  private CompletionStage<Outcome> attempt(Notification n, boolean renewOn401) {
    return tokens
        .get()
        .thenCompose(
            token ->
                http.sendAsync(request(n, token), HttpResponse.BodyHandlers.ofString())
                    .thenCompose(
                        response -> {
                          if (response.statusCode() == 401 && renewOn401) {
                            tokens.renew(token);
                            return attempt(n, false);
                          }
                          return CompletableFuture.completedFuture(outcome(response));
                        }));
  }

  private HttpRequest request(Notification n, FcmAccessTokens.Token token) {
    return HttpRequest.newBuilder(sendUri)
        .timeout(common.requestTimeout())
        .header("authorization", "Bearer " + token.value())
        .header("content-type", "application/json; charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofByteArray(payload(n)))
        .build();
  }

  byte[] payload(Notification n) {
    ObjectNode root = PushHttp.JSON.createObjectNode();
    ObjectNode message = root.putObject("message").put("token", n.token());
    message
        .putObject("notification")
        .put("title", n.senderName())
        .put("body", PushHttp.shownText(n.text(), common.maxPreviewBytes()));
    message
        .putObject("data")
        .put("conv", n.conv())
        .put("seq", Long.toString(n.seq()))
        .put("count", Integer.toString(n.count()))
        .put("badge", Long.toString(n.badge()));
    int badge = (int) Math.min(n.badge(), Integer.MAX_VALUE); // an int32 to FCM
    ObjectNode android =
        message.putObject("android").put("collapse_key", n.conv()).put("priority", "high");
    android.putObject("notification").put("tag", n.conv()).put("notification_count", badge);
    message
        .putObject("apns")
        .putObject("payload")
        .putObject("aps")
        .put("badge", badge)
        .put("thread-id", n.conv());
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  private Outcome outcome(HttpResponse<String> response) {
    int status = response.statusCode();
    if (status == 200) return new Outcome.Sent();
    JsonNode error = PushHttp.json(response.body()).path("error");
    String reason = error.path("status").asText("HTTP " + status);
    for (JsonNode detail : error.path("details")) {
      if (UNREGISTERED.equals(detail.path("errorCode").asText())) {
        return new Outcome.DeadToken(UNREGISTERED);
      }
    }
    if (status == 404) return new Outcome.DeadToken(reason);
    if (PushHttp.retryable(status)) return PushHttp.retry(response, reason, common.clock());
    String message = error.path("message").asText("");
    return new Outcome.Failed(message.isEmpty() ? reason : reason + ": " + message);
  }
}
