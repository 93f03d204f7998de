package io.parley.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Apple Push Notification service over HTTP/2 with token-based auth ({@code parley.push.apns}): one
 * POST /3/device/{token} per push, an alert with the sender as title, the badge, and the
 * conversation as collapse id (a newer push replaces the older one on the phone) and thread id.
 */
public final class ApnsProvider implements PushProvider {
  /** apns-collapse-id may not be longer; a longer conversation id is hashed. */
  static final int MAX_COLLAPSE_ID_BYTES = 64;

  private static final Pattern DEVICE_TOKEN = Pattern.compile("[0-9A-Fa-f]{1,200}");
  // Not DeviceTokenNotForTopic: that is a wrong topic in Parley's settings, which would remove
  // every iOS registration in bulk; it is a failure for the operator to see (the alert on
  // refusals).
  private static final Set<String> DEAD_TOKEN_REASONS = Set.of("BadDeviceToken");
  private static final Set<String> STALE_JWT_REASONS =
      Set.of("ExpiredProviderToken", "InvalidProviderToken");

  private final HttpClient http;
  private final ProviderSettings common;
  private final String endpoint;
  private final String topic;
  private final Duration expiration;
  private final ApnsJwt jwt;

  ApnsProvider(HttpClient http, ProviderSettings common, ProviderSettings.Block apns) {
    this.http = http;
    this.common = common;
    Path keyFile = apns.readableFile("key-file");
    String keyId = apns.required("key-id");
    String teamId = apns.required("team-id");
    this.topic = apns.required("topic");
    this.endpoint = apns.url("endpoint").toString().replaceAll("/+$", "");
    this.expiration = apns.duration("expiration");
    ECPrivateKey key;
    try {
      key = (ECPrivateKey) Pem.privateKey(Files.readString(keyFile), "EC");
      this.jwt = new ApnsJwt(key, keyId, teamId, apns.duration("token-lifetime"), common.clock());
    } catch (IOException e) {
      throw apns.bad("key-file", "names " + keyFile + ", which cannot be read", e);
    } catch (IllegalArgumentException e) {
      throw apns.bad("key-file", "names " + keyFile + ", which " + e.getMessage());
    }
  }

  @Override
  public Provider kind() {
    return Provider.APNS;
  }

  @Override
  public CompletionStage<Outcome> send(Notification n) {
    // A token that is not hex can never be delivered to: Apple would answer BadDeviceToken.
    if (!DEVICE_TOKEN.matcher(n.token()).matches()) {
      return CompletableFuture.completedFuture(new Outcome.DeadToken("BadDeviceToken (not hex)"));
    }
    return PushHttp.settle(
        () -> {
          ApnsJwt.Token token = jwt.current();
          return http.sendAsync(request(n, token), HttpResponse.BodyHandlers.ofString())
              .thenApply(response -> outcome(response, token));
        });
  }

  private HttpRequest request(Notification n, ApnsJwt.Token token) {
    long expires = common.clock().instant().plus(expiration).getEpochSecond();
    return HttpRequest.newBuilder(URI.create(endpoint + "/3/device/" + n.token()))
        .timeout(common.requestTimeout())
        .header("authorization", "bearer " + token.value())
        .header("apns-topic", topic)
        .header("apns-push-type", "alert")
        .header("apns-collapse-id", collapseId(n.conv()))
        .header("apns-priority", "10")
        .header("apns-expiration", Long.toString(expires))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(payload(n)))
        .build();
  }

  byte[] payload(Notification n) {
    ObjectNode root = PushHttp.JSON.createObjectNode();
    ObjectNode aps = root.putObject("aps");
    aps.putObject("alert")
        .put("title", n.senderName())
        .put("body", PushHttp.shownText(n.text(), common.maxPreviewBytes()));
    aps.put("badge", n.badge()).put("sound", "default").put("thread-id", n.conv());
    root.putObject("parley").put("conv", n.conv()).put("seq", n.seq()).put("count", n.count());
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  private Outcome outcome(HttpResponse<String> response, ApnsJwt.Token token) {
    int status = response.statusCode();
    if (status == 200) return new Outcome.Sent();
    JsonNode reasonNode = PushHttp.json(response.body()).path("reason");
    String reason = reasonNode.isTextual() ? reasonNode.asText() : "HTTP " + status;
    if (status == 410 || (status == 400 && DEAD_TOKEN_REASONS.contains(reason))) {
      return new Outcome.DeadToken(reason);
    }
    if (status == 403 && STALE_JWT_REASONS.contains(reason)) {
      jwt.renew(token);
      return new Outcome.Retry(null, reason);
    }
    if (PushHttp.retryable(status)) return PushHttp.retry(response, reason, common.clock());
    return new Outcome.Failed(reason);
  }

  /** The conversation id, or a stable hash of it when APNs would refuse it as too long. */
  static String collapseId(String conv) {
    byte[] bytes = conv.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_COLLAPSE_ID_BYTES && conv.chars().allMatch(c -> c > 32 && c < 127)) {
      return conv;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
