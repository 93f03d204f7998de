package io.parley.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * OAuth2 access tokens for FCM from a service account (Google's "JWT bearer" grant): an RS256
 * assertion exchanged at the account's token_uri, kept until {@code renewMargin} before Google says
 * it expires. Pushes that need one while an exchange is in flight wait for that same exchange, so a
 * burst after expiry costs one round trip to Google, not one per push.
 */
final class FcmAccessTokens {
  static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  /** The lifetime asked for in the assertion: Google's maximum. */
  static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);

  /** An access token and when to stop using it. */
  record Token(String value, Instant renewAt) {}

  private final HttpClient http;
  private final ServiceAccount account;
  private final RSASSASigner signer;
  private final ProviderSettings common;
  private final Duration renewMargin;
  private final AtomicReference<CompletableFuture<Token>> current = new AtomicReference<>();

  FcmAccessTokens(
      HttpClient http, ServiceAccount account, ProviderSettings common, Duration renewMargin) {
    this.http = http;
    this.account = account;
    this.signer = new RSASSASigner(account.privateKey());
    this.common = common;
    this.renewMargin = renewMargin;
    assertion(); // a key that cannot sign stops the node at start, not at the first push
  }

  /**
   * The token to push with: the kept one, the exchange in flight, or a new exchange. Fails with a
   * {@link PushHttp.Refused} when Google refuses the exchange, or with the transport's error.
   */
  CompletableFuture<Token> get() {
    while (true) {
      CompletableFuture<Token> kept = current.get();
      if (kept != null && usable(kept)) return kept;
      CompletableFuture<Token> fresh = new CompletableFuture<>();
      if (current.compareAndSet(kept, fresh)) {
        exchange(fresh);
        return fresh;
      }
    }
  }

  /** Forgets {@code rejected} (FCM answered 401), unless a newer token already replaced it. */
  void renew(Token rejected) {
    CompletableFuture<Token> kept = current.get();
    if (kept != null && usable(kept) && kept.isDone() && kept.join() == rejected) {
      current.compareAndSet(kept, null);
    }
  }

  /** In flight, or got and not yet due for renewal; a failed exchange is tried again. */
  private boolean usable(CompletableFuture<Token> kept) {
    if (!kept.isDone()) return true;
    if (kept.isCompletedExceptionally()) return false;
    return common.clock().instant().isBefore(kept.join().renewAt);
  }

  private void exchange(CompletableFuture<Token> into) {
    try {
      Instant sent = common.clock().instant();
      String form =
          "grant_type="
              + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8)
              + "&assertion="
              + URLEncoder.encode(assertion(), StandardCharsets.UTF_8);
      HttpRequest request =
          HttpRequest.newBuilder(account.tokenUri())
              .timeout(common.requestTimeout())
              .header("content-type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form))
              .build();
      http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .thenApply(response -> token(response, sent))
          .whenComplete(
              (token, error) -> {
                if (error == null) into.complete(token);
                else into.completeExceptionally(error);
              });
    } catch (RuntimeException e) {
      into.completeExceptionally(e);
    }
  }

  private Token token(HttpResponse<String> response, Instant sent) {
    int status = response.statusCode();
    JsonNode json = PushHttp.json(response.body());
    JsonNode value = json.path("access_token");
    JsonNode expiresIn = json.path("expires_in");
    if (status == 200 && value.isTextual() && expiresIn.isIntegralNumber()) {
      return new Token(value.asText(), sent.plusSeconds(expiresIn.asLong()).minus(renewMargin));
    }
    JsonNode error = json.path("error");
    String reason = "token exchange: " + (error.isTextual() ? error.asText() : "HTTP " + status);
    throw new PushHttp.Refused(
        PushHttp.retryable(status)
            ? PushHttp.retry(response, reason, common.clock())
            : new Outcome.Failed(reason));
  }

  /** The signed assertion: who the account is, what it asks for, and for how long. */
  private String assertion() {
    Instant now = common.clock().instant();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(account.privateKeyId()).build(),
            new JWTClaimsSet.Builder()
                .issuer(account.clientEmail())
                .claim("scope", SCOPE)
                .audience(account.tokenUri().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
                .build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an FCM assertion: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }
}
