package io.parley.notifications;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.parley.notifications.FakePushServer.Answer;
import io.parley.notifications.FakePushServer.Received;
import io.parley.notifications.PushFixtures.TestClock;
import io.parley.testing.Integration;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FCM HTTP v1 as Google sees it: the token exchange (a form whose assertion verifies with the
 * service account's public key), the access token kept and shared, and the message (path, headers,
 * payload), and what each answer becomes. (Integration: a real HTTP/2 TLS server on a local port
 * plays both Google's token endpoint and FCM.)
 */
@Integration
class FcmProviderTest {
  private static final String TOKEN = "fcm-token:APA91b_x-1";
  private static final String CONV = "g:team42";
  private static final String TOKEN_PATH = "/token";
  private static final String SEND_PATH = "/v1/projects/" + PushFixtures.PROJECT + "/messages:send";
  private static FakePushServer server;
  private static HttpClient client;
  private static KeyPair key;
  private static Path account;

  private final TestClock clock = new TestClock();
  private final AtomicInteger exchanges = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    server = FakePushServer.start();
    client = FakePushServer.client();
    key = PushFixtures.rsaKey(2048);
    Path dir = Files.createTempDirectory("fcm");
    dir.toFile().deleteOnExit();
    account =
        PushFixtures.serviceAccount(
            dir.resolve("service-account.json"), key.getPrivate(), server.url() + TOKEN_PATH);
    account.toFile().deleteOnExit();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void reset() {
    answer(r -> Answer.ok());
    server.drain();
  }

  /** FCM answers {@code send}; the token endpoint hands out at-1, at-2, ... for an hour each. */
  private void answer(Function<Received, Answer> send) {
    server.answer(r -> r.path().equals(TOKEN_PATH) ? newAccessToken() : send.apply(r));
  }

  private Answer newAccessToken() {
    return Answer.of(
        200,
        "{\"access_token\":\"at-"
            + exchanges.incrementAndGet()
            + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
  }

  private PushProvider fcm(String endpoint) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("parley.push.fcm.enabled", true);
    settings.put("parley.push.fcm.service-account-file", account.toString());
    settings.put("parley.push.fcm.endpoint", endpoint);
    return Providers.from(PushFixtures.config(settings), client, clock).get(Provider.FCM);
  }

  private PushProvider fcm() {
    return fcm(server.url());
  }

  private static Outcome send(PushProvider provider, String text) throws Exception {
    // get() throws if the stage completed exceptionally, which a provider's never does.
    Notification n = PushFixtures.notification(TOKEN, CONV, text);
    return provider.send(n).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  @Test
  void aSignedAssertionIsExchangedForTheTokenTheMessageCarries() throws Exception {
    assertEquals(new Outcome.Sent(), send(fcm(), "lunch at 1?"));

    Received exchange = server.take();
    assertEquals("POST", exchange.method());
    assertEquals(TOKEN_PATH, exchange.path());
    assertEquals("HTTP/2.0", exchange.protocol());
    assertEquals("application/x-www-form-urlencoded", exchange.header("content-type"));
    Map<String, String> form = form(exchange.text());
    assertEquals(FcmAccessTokens.GRANT_TYPE, form.get("grant_type"));
    SignedJWT assertion = SignedJWT.parse(form.get("assertion"));
    assertTrue(assertion.verify(new RSASSAVerifier((RSAPublicKey) key.getPublic())));
    assertEquals(JWSAlgorithm.RS256, assertion.getHeader().getAlgorithm());
    assertEquals(PushFixtures.PRIVATE_KEY_ID, assertion.getHeader().getKeyID());
    JWTClaimsSet claims = assertion.getJWTClaimsSet();
    assertEquals(PushFixtures.CLIENT_EMAIL, claims.getIssuer());
    assertEquals("https://www.googleapis.com/auth/firebase.messaging", claims.getClaim("scope"));
    assertEquals(List.of(server.url() + TOKEN_PATH), claims.getAudience());
    long now = clock.instant().getEpochSecond();
    assertEquals(now, claims.getIssueTime().toInstant().getEpochSecond());
    assertEquals(now + 3600, claims.getExpirationTime().toInstant().getEpochSecond());

    Received message = server.take();
    assertEquals("POST", message.method());
    assertEquals(SEND_PATH, message.path());
    assertEquals("HTTP/2.0", message.protocol());
    assertEquals("Bearer at-1", message.header("authorization"));
    assertTrue(message.header("content-type").startsWith("application/json"));
    assertEquals(
        PushHttp.json(
            """
            {"message":{"token":"fcm-token:APA91b_x-1",\
            "notification":{"title":"Bob Builder","body":"lunch at 1?"},\
            "data":{"conv":"g:team42","seq":"42","count":"3","badge":"7"},\
            "android":{"collapse_key":"g:team42","priority":"high",\
            "notification":{"tag":"g:team42","notification_count":7}},\
            "apns":{"payload":{"aps":{"badge":7,"thread-id":"g:team42"}}}}}"""),
        message.json());
  }

  @Test
  void withoutPreviewTheNotificationSaysNewMessage() throws Exception {
    send(fcm(), null);
    server.take(); // the exchange
    assertEquals("New message", server.take().json().at("/message/notification/body").asText());
  }

  @Test
  void theAccessTokenIsKeptUntilAMinuteBeforeItExpires() throws Exception {
    PushProvider fcm = fcm();
    send(fcm, "one");
    clock.advance(Duration.ofSeconds(3599 - 60 - 1));
    send(fcm, "two");
    assertEquals(1, exchanges.get());
    clock.advance(Duration.ofSeconds(1)); // 60 s before expiry: parley.push.fcm.token-renew-margin
    send(fcm, "three");
    assertEquals(2, exchanges.get());
    List<String> bearers = new ArrayList<>();
    for (Received r : server.drain()) {
      if (r.path().equals(SEND_PATH)) bearers.add(r.header("authorization"));
    }
    assertEquals(List.of("Bearer at-1", "Bearer at-1", "Bearer at-2"), bearers);
  }

  @Test
  void sendsWaitingForATokenShareOneExchange() throws Exception {
    CompletableFuture<Answer> held = new CompletableFuture<>();
    server.answerLater(
        r ->
            r.path().equals(TOKEN_PATH)
                ? held.thenApply(a -> newAccessToken())
                : CompletableFuture.completedFuture(Answer.ok()));
    PushProvider fcm = fcm();
    List<CompletionStage<Outcome>> sends = new ArrayList<>();
    for (int i = 0; i < 5; i++) sends.add(fcm.send(PushFixtures.notification(TOKEN, CONV, "x")));
    assertEquals(TOKEN_PATH, server.take().path());
    held.complete(Answer.ok());
    for (var s : sends)
      assertEquals(new Outcome.Sent(), s.toCompletableFuture().get(15, TimeUnit.SECONDS));
    assertEquals(1, exchanges.get());
    assertEquals(5, server.drain().stream().filter(r -> r.path().equals(SEND_PATH)).count());
  }

  @Test
  void a401RenewsTheTokenOnceAndThenFails() throws Exception {
    AtomicInteger refusals = new AtomicInteger(1);
    answer(
        r ->
            refusals.getAndDecrement() > 0
                ? Answer.of(401, "{\"error\":{\"code\":401,\"status\":\"UNAUTHENTICATED\"}}")
                : Answer.ok());
    PushProvider fcm = fcm();
    assertEquals(new Outcome.Sent(), send(fcm, "x"));
    assertEquals(2, exchanges.get());
    List<String> bearers =
        server.drain().stream()
            .filter(r -> r.path().equals(SEND_PATH))
            .map(r -> r.header("authorization"))
            .toList();
    assertEquals(List.of("Bearer at-1", "Bearer at-2"), bearers);

    answer(r -> Answer.of(401, "{\"error\":{\"code\":401,\"status\":\"UNAUTHENTICATED\"}}"));
    Outcome refused = send(fcm, "x");
    assertTrue(
        refused instanceof Outcome.Failed f && f.reason().startsWith("UNAUTHENTICATED"),
        refused.toString());
    assertEquals(3, exchanges.get(), "one renewal, not a loop");
    assertEquals(2, server.drain().stream().filter(r -> r.path().equals(SEND_PATH)).count());
  }

  @Test
  void eachAnswerBecomesItsOutcome() throws Exception {
    PushProvider fcm = fcm();
    String unregistered =
        """
        {"error":{"code":%d,"message":"Requested entity was not found.","status":"%s",\
        "details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError",\
        "errorCode":"UNREGISTERED"}]}}""";
    Map<Answer, Outcome> cases =
        Map.of(
            Answer.of(503, "{\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}")
                .with("Retry-After", "7"),
            new Outcome.Retry(Duration.ofSeconds(7), "UNAVAILABLE"),
            Answer.of(429, "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\"}}"),
            new Outcome.Retry(null, "RESOURCE_EXHAUSTED"),
            Answer.of(500, "{\"error\":{\"code\":500,\"status\":\"INTERNAL\"}}"),
            new Outcome.Retry(null, "INTERNAL"),
            Answer.of(404, unregistered.formatted(404, "NOT_FOUND")),
            new Outcome.DeadToken("UNREGISTERED"),
            Answer.of(400, unregistered.formatted(400, "INVALID_ARGUMENT")),
            new Outcome.DeadToken("UNREGISTERED"),
            Answer.of(404, "{\"error\":{\"code\":404,\"status\":\"NOT_FOUND\"}}"),
            new Outcome.DeadToken("NOT_FOUND"),
            Answer.of(
                400,
                "{\"error\":{\"code\":400,\"message\":\"bad\",\"status\":\"INVALID_ARGUMENT\"}}"),
            new Outcome.Failed("INVALID_ARGUMENT: bad"));
    for (var c : cases.entrySet()) {
      answer(r -> c.getKey());
      assertEquals(c.getValue(), send(fcm, "x"), c.getKey() + "");
    }
  }

  @Test
  void aRefusedExchangeFailsAndAnUnavailableOneIsRetried() throws Exception {
    server.answer(
        r -> Answer.of(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT\"}"));
    PushProvider fcm = fcm();
    assertEquals(new Outcome.Failed("token exchange: invalid_grant"), send(fcm, "x"));
    server.answer(r -> Answer.of(503, "{}").with("Retry-After", "7"));
    assertEquals(
        new Outcome.Retry(Duration.ofSeconds(7), "token exchange: HTTP 503"), send(fcm, "x"));
    answer(r -> Answer.ok());
    assertEquals(new Outcome.Sent(), send(fcm, "x"), "a failed exchange is not kept");
  }

  @Test
  void aServerThatIsDownIsRetried() throws Exception {
    Outcome down = send(fcm(FakePushServer.nobodyListening()), "x"); // FCM down, tokens fine
    assertTrue(down instanceof Outcome.Retry, down.toString());
    assertEquals(1, exchanges.get());
  }

  private static Map<String, String> form(String body) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : body.split("&")) {
      String[] kv = pair.split("=", 2);
      fields.put(
          URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return fields;
  }
}
