package io.parley.notifications;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.notifications.FakePushServer.Answer;
import io.parley.notifications.FakePushServer.Received;
import io.parley.notifications.PushFixtures.TestClock;
import io.parley.testing.Integration;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The signed webhook as an operator's receiver sees it: the JSON, the timestamp and signature
 * headers checked as a receiver would check them, and what each answer becomes. (Integration: a
 * real HTTP/2 TLS server on a local port.)
 */
@Integration
class WebhookProviderTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef-webhook";
  private static FakePushServer server;
  private static HttpClient client;
  private static Path secretFile;

  private final TestClock clock = new TestClock();

  @BeforeAll
  static void start() throws Exception {
    server = FakePushServer.start();
    client = FakePushServer.client();
    secretFile = Files.createTempFile("webhook", ".secret");
    secretFile.toFile().deleteOnExit();
    PushFixtures.write(secretFile, SECRET + "\n"); // as `echo` writes it
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

  private PushProvider webhook(String url) {
    return Providers.from(
            PushFixtures.config(
                Map.of(
                    "parley.push.webhook.enabled",
                    true,
                    "parley.push.webhook.url",
                    url,
                    "parley.push.webhook.secret-file",
                    secretFile.toString())),
            client,
            clock)
        .get(Provider.WEBHOOK);
  }

  private PushProvider webhook() {
    return webhook(server.url() + "/hooks/parley");
  }

  private static Outcome send(PushProvider provider, String text) throws Exception {
    // get() throws if the stage completed exceptionally, which a provider's never does.
    Notification n = PushFixtures.notification("tok-1", "g:team42", text);
    return provider.send(n).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  /**
   * What a receiver does, written apart from the provider: HMAC-SHA256 over timestamp, ".", raw
   * body; compared in constant time; the timestamp within 5 minutes of the receiver's clock.
   */
  private boolean receiverAccepts(String timestamp, byte[] body, String signature)
      throws Exception {
    if (Math.abs(clock.instant().getEpochSecond() - Long.parseLong(timestamp)) > 300) return false;
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    byte[] expected = ("v1=" + HexFormat.of().formatHex(mac.doFinal(body))).getBytes();
    return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8));
  }

  private Answer verifying(Received r) {
    try {
      boolean ok =
          receiverAccepts(r.header("x-parley-timestamp"), r.body(), r.header("x-parley-signature"));
      return ok ? Answer.of(204, "") : Answer.of(401, "{}");
    } catch (Exception e) {
      return Answer.of(400, "{}");
    }
  }

  @Test
  void aReceiverThatChecksTheSignatureAcceptsThePostAndRefusesATamperedOne() throws Exception {
    server.answer(this::verifying);
    assertEquals(new Outcome.Sent(), send(webhook(), "lunch at 1?"));

    Received r = server.take();
    assertEquals("POST", r.method());
    assertEquals("/hooks/parley", r.path());
    assertEquals("HTTP/2.0", r.protocol());
    assertEquals("application/json", r.header("content-type"));
    String timestamp = r.header("x-parley-timestamp");
    assertEquals(Long.toString(clock.instant().getEpochSecond()), timestamp);
    assertTrue(r.header("x-parley-signature").matches("v1=[0-9a-f]{64}"));
    assertEquals(
        PushHttp.json(
            """
            {"user":"alice","device":"phone-1","token":"tok-1","conv":"g:team42","seq":42,\
            "kind":"text","sender":"bob","sender_name":"Bob Builder","text":"lunch at 1?",\
            "count":3,"badge":7,"ts":1700000000000}"""),
        r.json());

    String signature = r.header("x-parley-signature");
    assertTrue(receiverAccepts(timestamp, r.body(), signature));
    byte[] tampered =
        r.text().replace("\"badge\":7", "\"badge\":8").getBytes(StandardCharsets.UTF_8);
    assertFalse(receiverAccepts(timestamp, tampered, signature), "a changed body");
    String later = Long.toString(Long.parseLong(timestamp) + 1);
    assertFalse(receiverAccepts(later, r.body(), signature), "a changed timestamp");
    clock.advance(Duration.ofMinutes(6));
    assertFalse(receiverAccepts(timestamp, r.body(), signature), "a replay 6 minutes later");
  }

  @Test
  void withoutPreviewTheTextIsLeftOut() throws Exception {
    send(webhook(), null);
    Received r = server.take();
    assertFalse(r.json().has("text"), r.text());
    assertEquals(3, r.json().path("count").asInt());
  }

  @Test
  void eachAnswerBecomesItsOutcome() throws Exception {
    PushProvider webhook = webhook();
    Map<Answer, Outcome> cases =
        Map.of(
            Answer.of(202, "{}"),
            new Outcome.Sent(),
            Answer.of(503, "{}").with("Retry-After", "7"),
            new Outcome.Retry(Duration.ofSeconds(7), "HTTP 503"),
            Answer.of(429, "{}"),
            new Outcome.Retry(null, "HTTP 429"),
            Answer.of(502, "{}"),
            new Outcome.Retry(null, "HTTP 502"),
            Answer.of(410, "{}"),
            new Outcome.DeadToken("HTTP 410"),
            Answer.of(400, "{}"),
            new Outcome.Failed("HTTP 400"),
            Answer.of(404, "{}"),
            new Outcome.Failed("HTTP 404"));
    for (var c : cases.entrySet()) {
      server.answer(r -> c.getKey());
      assertEquals(c.getValue(), send(webhook, "x"), c.getKey() + "");
    }
  }

  @Test
  void aReceiverThatIsDownIsRetried() throws Exception {
    Outcome down = send(webhook(FakePushServer.nobodyListening() + "/hook"), "x");
    assertTrue(down instanceof Outcome.Retry, down.toString());
  }
}
