package io.parley.notifications;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which providers {@link Providers#from} makes, and the settings that stop a node at start: each
 * refusal names the setting and its variable, and never quotes a key. No network: the providers are
 * made, never used.
 */
class ProvidersSettingsTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static KeyPair ec;
  private static KeyPair rsa;
  @TempDir static Path dir;

  @BeforeAll
  static void keys() throws Exception {
    ec = PushFixtures.ecKey("secp256r1");
    rsa = PushFixtures.rsaKey(2048);
  }

  private static Map<String, Object> apns() throws Exception {
    Map<String, Object> s = new HashMap<>();
    s.put("parley.push.apns.enabled", true);
    s.put(
        "parley.push.apns.key-file",
        PushFixtures.write(dir.resolve("apns.p8"), PushFixtures.pem(ec.getPrivate())).toString());
    s.put("parley.push.apns.key-id", "KEY1234567");
    s.put("parley.push.apns.team-id", "TEAM123456");
    s.put("parley.push.apns.topic", "io.parley.app");
    return s;
  }

  private static Map<String, Object> fcm() throws Exception {
    Path account =
        PushFixtures.serviceAccount(
            dir.resolve("service-account.json"), rsa.getPrivate(), "https://oauth2.example/t");
    return new HashMap<>(
        Map.of(
            "parley.push.fcm.enabled",
            true,
            "parley.push.fcm.service-account-file",
            account.toString()));
  }

  private static Map<String, Object> webhook(String secret) throws Exception {
    Path file = PushFixtures.write(dir.resolve("webhook-secret"), secret);
    return new HashMap<>(
        Map.of(
            "parley.push.webhook.enabled",
            true,
            "parley.push.webhook.url",
            "https://hooks.example/parley",
            "parley.push.webhook.secret-file",
            file.toString()));
  }

  /** The message of the refusal to start with {@code settings}. */
  private static String refusal(Map<String, Object> settings) {
    return assertThrows(
            IllegalArgumentException.class,
            () -> Providers.from(PushFixtures.config(settings), CLIENT))
        .getMessage();
  }

  private static void assertNames(String message, String setting, String variable) {
    assertTrue(message.contains(setting), message);
    assertTrue(message.contains(variable), message);
  }

  @Test
  void pushesAreOffByDefault() {
    assertEquals(Map.of(), Providers.from(PushFixtures.config(Map.of())));
  }

  @Test
  void eachEnabledProviderIsMade() throws Exception {
    Map<String, Object> all = apns();
    all.putAll(fcm());
    all.putAll(webhook("s".repeat(32)));
    Map<Provider, PushProvider> providers = Providers.from(PushFixtures.config(all), CLIENT);
    assertEquals(Set.of(Provider.values()), providers.keySet());
    providers.forEach((kind, provider) -> assertEquals(kind, provider.kind()));
  }

  @Test
  void apnsRefusesAMissingOrWrongKeyOrIdentity() throws Exception {
    Map<String, Object> s = apns();
    s.put("parley.push.apns.key-file", "");
    assertNames(refusal(s), "parley.push.apns.key-file", "PARLEY_APNS_KEY_FILE");
    s.put("parley.push.apns.key-file", dir.resolve("absent.p8").toString());
    assertNames(refusal(s), "parley.push.apns.key-file", "absent.p8");

    // The DER's first bytes overwritten: base64 still, no key any more.
    String garbled = PushFixtures.pem(ec.getPrivate()).replaceFirst("(?m)^M\\w{7}", "AAAAAAAA");
    assertTrue(garbled.contains("\nAAAAAAAA"), garbled);
    s.put(
        "parley.push.apns.key-file", PushFixtures.write(dir.resolve("bad.p8"), garbled).toString());
    String badPem = refusal(s);
    assertNames(badPem, "parley.push.apns.key-file", "PARLEY_APNS_KEY_FILE");
    assertFalse(badPem.contains(garbled.substring(40, 60)), "the key is never quoted");

    Path rsaKey = PushFixtures.write(dir.resolve("rsa.p8"), PushFixtures.pem(rsa.getPrivate()));
    s.put("parley.push.apns.key-file", rsaKey.toString());
    assertNames(refusal(s), "parley.push.apns.key-file", "not a PKCS#8 EC private key");
    KeyPair p384 = PushFixtures.ecKey("secp384r1");
    Path p384Key = PushFixtures.write(dir.resolve("p384.p8"), PushFixtures.pem(p384.getPrivate()));
    s.put("parley.push.apns.key-file", p384Key.toString());
    assertNames(refusal(s), "parley.push.apns.key-file", "P-256");

    for (String key : new String[] {"key-id", "team-id", "topic"}) {
      Map<String, Object> missing = apns();
      missing.put("parley.push.apns." + key, " ");
      String variable = "PARLEY_APNS_" + key.replace('-', '_').toUpperCase();
      assertNames(refusal(missing), "parley.push.apns." + key, variable);
    }
    Map<String, Object> ftp = apns();
    ftp.put("parley.push.apns.endpoint", "ftp://api.push.apple.com");
    assertNames(refusal(ftp), "parley.push.apns.endpoint", "PARLEY_APNS_ENDPOINT");
    assertFalse(
        refusal(ftp).contains("ftp:"), "a URL is not quoted: a webhook's may hold a secret");
  }

  @Test
  void fcmRefusesAServiceAccountFileItCannotUse() throws Exception {
    Map<String, Object> s = fcm();
    s.put("parley.push.fcm.service-account-file", "");
    assertNames(
        refusal(s), "parley.push.fcm.service-account-file", "PARLEY_FCM_SERVICE_ACCOUNT_FILE");
    String json = Files.readString(dir.resolve("service-account.json"));
    for (String field :
        new String[] {"project_id", "client_email", "private_key", "private_key_id", "token_uri"}) {
      Path without =
          PushFixtures.write(
              dir.resolve("no-" + field + ".json"),
              json.replace("\"" + field + "\"", "\"renamed_" + field + "\""));
      s.put("parley.push.fcm.service-account-file", without.toString());
      assertNames(refusal(s), "parley.push.fcm.service-account-file", "has no " + field);
    }
    Path notJson = PushFixtures.write(dir.resolve("not.json"), "-----BEGIN PRIVATE KEY-----");
    s.put("parley.push.fcm.service-account-file", notJson.toString());
    assertNames(refusal(s), "parley.push.fcm.service-account-file", "not a JSON");
    Path ecKey =
        PushFixtures.serviceAccount(dir.resolve("ec-account.json"), ec.getPrivate(), "https://t");
    s.put("parley.push.fcm.service-account-file", ecKey.toString());
    assertNames(refusal(s), "parley.push.fcm.service-account-file", "private_key");
  }

  @Test
  void theWebhookRefusesAShortSecretOrABadUrl() throws Exception {
    Map<String, Object> shortSecret = webhook("s".repeat(31) + "\n");
    assertNames(
        refusal(shortSecret), "parley.push.webhook.secret-file", "PARLEY_WEBHOOK_SECRET_FILE");
    Map<String, Object> noUrl = webhook("s".repeat(32));
    noUrl.put("parley.push.webhook.url", "");
    assertNames(refusal(noUrl), "parley.push.webhook.url", "PARLEY_WEBHOOK_URL");
    noUrl.put("parley.push.webhook.url", "hooks.example/parley");
    assertNames(refusal(noUrl), "parley.push.webhook.url", "not an http(s) URL");
  }

  @Test
  void aLongPreviewIsCutAtACharacterBoundary() {
    assertEquals("New message", PushHttp.shownText(null, 1024));
    assertEquals("short", PushHttp.shownText("short", 1024));
    String emoji = "😀".repeat(300); // 4 bytes each
    String cut = PushHttp.shownText(emoji, 1024);
    assertTrue(cut.endsWith("…"), cut);
    int bytes = cut.getBytes(StandardCharsets.UTF_8).length;
    assertTrue(bytes <= 1024 && bytes > 1024 - 4, "bytes " + bytes);
    assertEquals(0, cut.substring(0, cut.length() - 1).length() % 2, "no half surrogate pair");
  }

  @Test
  void aCollapseIdOverAppleLimitIsAStableHash() {
    assertEquals("g:team42", ApnsProvider.collapseId("g:team42"));
    String longConv = "d:" + "a".repeat(32) + ":" + "b".repeat(32);
    String hashed = ApnsProvider.collapseId(longConv);
    assertTrue(hashed.getBytes(StandardCharsets.UTF_8).length <= 64, hashed);
    assertEquals(hashed, ApnsProvider.collapseId(longConv));
    assertNotEquals(hashed, ApnsProvider.collapseId(longConv.replace('b', 'c')));
  }
}
