package io.parley.notifications;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.parley.notifications.FakePushServer.Answer;
import io.parley.notifications.FakePushServer.Received;
import io.parley.notifications.PushFixtures.TestClock;
import io.parley.testing.Integration;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * APNs as Apple's HTTP/2 server sees it: the request (path, headers, payload), the provider token
 * (verified with the key's public half, kept and renewed), and what each answer becomes.
 * (Integration: a real HTTP/2 TLS server on a local port.)
 */
@Integration
class ApnsProviderTest {
  private static final String TOKEN = "a1b2c3d4".repeat(8);
  private static final String CONV = "g:team42";
  private static FakePushServer server;
  private static HttpClient client;
  private static KeyPair key;
  private static Path keyFile;

  private final TestClock clock = new TestClock();

  @BeforeAll
  static void start() throws Exception {
    server = FakePushServer.start();
    client = FakePushServer.client();
    key = PushFixtures.ecKey("secp256r1");
    keyFile = Files.createTempFile("apns", ".p8");
    keyFile.toFile().deleteOnExit();
    PushFixtures.write(keyFile, PushFixtures.pem(key.getPrivate()));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void reset() {
    server.answer(r -> Answer.ok());
    server.drain();
  }

  private PushProvider apns(String endpoint, Map<String, Object> more) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("parley.push.apns.enabled", true);
    settings.put("parley.push.apns.key-file", keyFile.toString());
    settings.put("parley.push.apns.key-id", "KEY1234567");
    settings.put("parley.push.apns.team-id", "TEAM123456");
    settings.put("parley.push.apns.topic", "io.parley.app");
    settings.put("parley.push.apns.endpoint", endpoint);
    settings.putAll(more);
    return Providers.from(PushFixtures.config(settings), client, clock).get(Provider.APNS);
  }

  private PushProvider apns() {
    return apns(server.url(), Map.of());
  }

  private static Outcome send(PushProvider provider, Notification n) throws Exception {
    // get() throws if the stage completed exceptionally, which a provider's never does.
    return provider.send(n).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  @Test
  void anAlertIsPostedOverHttp2WithEveryApnsHeader() throws Exception {
    assertEquals(
        new Outcome.Sent(), send(apns(), PushFixtures.notification(TOKEN, CONV, "lunch at 1?")));

    Received r = server.take();
    assertEquals("POST", r.method());
    assertEquals("/3/device/" + TOKEN, r.path());
    assertEquals("HTTP/2.0", r.protocol());
    assertTrue(r.header("authorization").matches("(?i)bearer [\\w-]+\\.[\\w-]+\\.[\\w-]+"));
    assertEquals("io.parley.app", r.header("apns-topic"));
    assertEquals("alert", r.header("apns-push-type"));
    assertEquals(CONV, r.header("apns-collapse-id"));
    assertEquals("10", r.header("apns-priority"));
    long dayLater = clock.instant().plus(Duration.ofDays(1)).getEpochSecond();
    assertEquals(Long.toString(dayLater), r.header("apns-expiration"));
    assertEquals("application/json", r.header("content-type"));
    assertEquals(
        PushHttp.json(
            """
            {"aps":{"alert":{"title":"Bob Builder","body":"lunch at 1?"},"badge":7,\
            "sound":"default","thread-id":"g:team42"},\
            "parley":{"conv":"g:team42","seq":42,"count":3}}"""),
        r.json());
  }

  @Test
  void withoutPreviewTheAlertSaysNewMessageAndALongConvIsHashedForCollapse() throws Exception {
    String longConv = "d:" + "a".repeat(32) + ":" + "b".repeat(32); // 67 bytes
    PushProvider apns = apns();
    send(apns, PushFixtures.notification(TOKEN, longConv, null));
    send(apns, PushFixtures.notification(TOKEN, longConv, null));
    send(apns, PushFixtures.notification(TOKEN, longConv.replace('b', 'c'), null));

    Received first = server.take();
    assertEquals("New message", first.json().at("/aps/alert/body").asText());
    assertEquals(longConv, first.json().at("/aps/thread-id").asText());
    String collapse = first.header("apns-collapse-id");
    assertTrue(collapse.length() <= ApnsProvider.MAX_COLLAPSE_ID_BYTES, collapse);
    assertEquals(collapse, server.take().header("apns-collapse-id"), "stable");
    assertNotEquals(collapse, server.take().header("apns-collapse-id"), "per conversation");
  }

  @Test
  void theProviderTokenVerifiesWithTheKeyAndIsReusedUntilItsLifetime() throws Exception {
    PushProvider apns = apns();
    send(apns, PushFixtures.notification(TOKEN, CONV, "one"));
    clock.advance(Duration.ofMinutes(39));
    send(apns, PushFixtures.notification(TOKEN, CONV, "two"));
    String first = bearer(server.take());
    assertEquals(first, bearer(server.take()), "one token for both pushes");

    SignedJWT jwt = SignedJWT.parse(first);
    assertTrue(jwt.verify(new ECDSAVerifier((ECPublicKey) key.getPublic())));
    assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
    assertEquals("KEY1234567", jwt.getHeader().getKeyID());
    assertEquals("TEAM123456", jwt.getJWTClaimsSet().getIssuer());
    long issued = clock.instant().minus(Duration.ofMinutes(39)).getEpochSecond();
    assertEquals(issued, jwt.getJWTClaimsSet().getIssueTime().toInstant().getEpochSecond());

    clock.advance(Duration.ofMinutes(1)); // 40 minutes: parley.push.apns.token-lifetime
    send(apns, PushFixtures.notification(TOKEN, CONV, "three"));
    SignedJWT renewed = SignedJWT.parse(bearer(server.take()));
    assertTrue(renewed.verify(new ECDSAVerifier((ECPublicKey) key.getPublic())));
    assertEquals(
        clock.instant().getEpochSecond(),
        renewed.getJWTClaimsSet().getIssueTime().toInstant().getEpochSecond());
  }

  @Test
  void anExpiredProviderTokenIsRenewedAndThePushRetried() throws Exception {
    PushProvider apns = apns();
    server.answer(r -> Answer.of(403, "{\"reason\":\"ExpiredProviderToken\"}"));
    assertEquals(
        new Outcome.Retry(null, "ExpiredProviderToken"),
        send(apns, PushFixtures.notification(TOKEN, CONV, "x")));
    server.answer(r -> Answer.ok());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(new Outcome.Sent(), send(apns, PushFixtures.notification(TOKEN, CONV, "x")));
    String refused = bearer(server.take());
    String renewed = bearer(server.take());
    assertNotEquals(refused, renewed);
    assertTrue(SignedJWT.parse(renewed).verify(new ECDSAVerifier((ECPublicKey) key.getPublic())));
  }

  @Test
  void eachAnswerBecomesItsOutcome() throws Exception {
    PushProvider apns = apns();
    Map<Answer, Outcome> cases =
        Map.of(
            Answer.of(503, "{\"reason\":\"ServiceUnavailable\"}").with("Retry-After", "7"),
            new Outcome.Retry(Duration.ofSeconds(7), "ServiceUnavailable"),
            Answer.of(429, "{\"reason\":\"TooManyRequests\"}"),
            new Outcome.Retry(null, "TooManyRequests"),
            Answer.of(500, "{\"reason\":\"InternalServerError\"}"),
            new Outcome.Retry(null, "InternalServerError"),
            Answer.of(410, "{\"reason\":\"Unregistered\",\"timestamp\":1700000000000}"),
            new Outcome.DeadToken("Unregistered"),
            Answer.of(400, "{\"reason\":\"BadDeviceToken\"}"),
            new Outcome.DeadToken("BadDeviceToken"),
            Answer.of(400, "{\"reason\":\"DeviceTokenNotForTopic\"}"),
            new Outcome.Failed("DeviceTokenNotForTopic"),
            Answer.of(413, "{\"reason\":\"PayloadTooLarge\"}"),
            new Outcome.Failed("PayloadTooLarge"),
            Answer.of(400, "{\"reason\":\"BadCollapseId\"}"),
            new Outcome.Failed("BadCollapseId"));
    for (var c : cases.entrySet()) {
      server.answer(r -> c.getKey());
      assertEquals(
          c.getValue(), send(apns, PushFixtures.notification(TOKEN, CONV, "x")), c.getKey() + "");
    }
  }

  @Test
  void aServerThatIsDownOrSilentIsRetried() throws Exception {
    Outcome down =
        send(
            apns(FakePushServer.nobodyListening(), Map.of()),
            PushFixtures.notification(TOKEN, CONV, "x"));
    assertTrue(down instanceof Outcome.Retry, down.toString());

    server.answerLater(r -> new CompletableFuture<>()); // never answers
    Outcome silent =
        send(
            apns(server.url(), Map.of("parley.push.request-timeout", "500ms")),
            PushFixtures.notification(TOKEN, CONV, "x"));
    assertTrue(silent instanceof Outcome.Retry, silent.toString());
  }

  @Test
  void aTokenThatIsNotHexIsDeadWithoutAsking() throws Exception {
    Outcome outcome = send(apns(), PushFixtures.notification("../../x y", CONV, "x"));
    assertEquals(new Outcome.DeadToken("BadDeviceToken (not hex)"), outcome);
    assertTrue(server.drain().isEmpty());
  }

  private static String bearer(Received r) {
    return r.header("authorization").substring("bearer ".length());
  }
}
