package io.parley.notifications;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A signed JSON POST per push to the operator's own service ({@code parley.push.webhook}): their
 * push gateway, a bot. Headers: {@code X-Parley-Timestamp: <epoch seconds>} and {@code
 * X-Parley-Signature: v1=<lowercase hex of HMAC-SHA256(secret, timestamp + "." + body)>}. A
 * receiver recomputes the signature over the raw body bytes, compares it in constant time, and
 * refuses a timestamp more than 5 minutes from its own clock, so that a captured request cannot be
 * replayed later. Answers: 2xx sent, 410 the token is dead, 429 and 5xx retried (Retry-After
 * honoured), anything else failed.
 */
public final class WebhookProvider implements PushProvider {
  static final int MIN_SECRET_BYTES = 32;
  static final String TIMESTAMP = "X-Parley-Timestamp";
  static final String SIGNATURE = "X-Parley-Signature";
  static final String HMAC = "HmacSHA256";

  private final HttpClient http;
  private final ProviderSettings common;
  private final URI url;
  private final byte[] secret;

  WebhookProvider(HttpClient http, ProviderSettings common, ProviderSettings.Block webhook) {
    this.http = http;
    this.common = common;
    this.url = webhook.url("url");
    Path file = webhook.readableFile("secret-file");
    try {
      this.secret = withoutFinalNewline(Files.readAllBytes(file));
    } catch (IOException e) {
      throw webhook.bad("secret-file", "names " + file + ", which cannot be read", e);
    }
    if (secret.length < MIN_SECRET_BYTES) {
      throw webhook.bad(
          "secret-file",
          "names " + file + ", whose secret is shorter than " + MIN_SECRET_BYTES + " bytes");
    }
  }

  @Override
  public Provider kind() {
    return Provider.WEBHOOK;
  }

  @Override
  public CompletionStage<Outcome> send(Notification n) {
    return PushHttp.settle(
        () -> {
          byte[] body = payload(n);
          String timestamp = Long.toString(common.clock().instant().getEpochSecond());
          HttpRequest request =
              HttpRequest.newBuilder(url)
                  // A plain-http receiver gets HTTP/1.1, not an h2c upgrade it may not expect.
                  .version(
                      "http".equals(url.getScheme())
                          ? HttpClient.Version.HTTP_1_1
                          : HttpClient.Version.HTTP_2)
                  .timeout(common.requestTimeout())
                  .header("content-type", "application/json")
                  .header(TIMESTAMP, timestamp)
                  .header(SIGNATURE, "v1=" + sign(secret, timestamp, body))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build();
          // The receiver's answer body is not read: it could be anything, of any size.
          return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
              .thenApply(this::outcome);
        });
  }

  static byte[] payload(Notification n) {
    ObjectNode body =
        PushHttp.JSON
            .createObjectNode()
            .put("user", n.user())
            .put("device", n.device())
            .put("token", n.token())
            .put("conv", n.conv())
            .put("seq", n.seq())
            .put("kind", n.kind())
            .put("sender", n.sender())
            .put("sender_name", n.senderName());
    if (n.text() != null) body.put("text", n.text());
    body.put("count", n.count()).put("badge", n.badge()).put("ts", n.ts());
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Lowercase hex of HMAC-SHA256(secret, timestamp + "." + body). */
  static String sign(byte[] secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(secret, HMAC));
      mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private Outcome outcome(HttpResponse<Void> response) {
    int status = response.statusCode();
    String reason = "HTTP " + status;
    if (status >= 200 && status < 300) return new Outcome.Sent();
    if (status == 410) return new Outcome.DeadToken(reason);
    if (PushHttp.retryable(status)) return PushHttp.retry(response, reason, common.clock());
    return new Outcome.Failed(reason);
  }

  /** A secret file made with echo or an editor ends in a newline that is not part of it. */
  private static byte[] withoutFinalNewline(byte[] bytes) {
    int end = bytes.length;
    if (end > 0 && bytes[end - 1] == '\n') {
      end--;
      if (end > 0 && bytes[end - 1] == '\r') end--;
    }
    return Arrays.copyOf(bytes, end);
  }
}
