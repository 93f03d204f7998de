package io.parley.notifications;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;

/** Keys, credential files and settings for the provider tests, made in-process. */
final class PushFixtures {
  static final String PROJECT = "parley-test";
  static final String CLIENT_EMAIL = "pusher@parley-test.iam.gserviceaccount.com";
  static final String PRIVATE_KEY_ID = "0123456789abcdef0123456789abcdef01234567";

  private PushFixtures() {}

  static KeyPair ecKey(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    return generator.generateKeyPair();
  }

  static KeyPair rsaKey(int bits) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    return generator.generateKeyPair();
  }

  /** PKCS#8 PEM, as in Apple's .p8 files and Google's private_key. */
  static String pem(PrivateKey key) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
  }

  static Path write(Path file, String text) throws IOException {
    return Files.writeString(file, text);
  }

  /** A service account JSON key as Google hands it out (the fields FCM needs, and some more). */
  static Path serviceAccount(Path file, PrivateKey key, String tokenUri) throws IOException {
    ObjectNode json =
        PushHttp.JSON
            .createObjectNode()
            .put("type", "service_account")
            .put("project_id", PROJECT)
            .put("private_key_id", PRIVATE_KEY_ID)
            .put("private_key", pem(key))
            .put("client_email", CLIENT_EMAIL)
            .put("client_id", "100000000000000000000")
            .put("auth_uri", "https://accounts.google.com/o/oauth2/auth")
            .put("token_uri", tokenUri);
    return write(file, json.toPrettyString());
  }

  /** conf/application.conf under {@code settings}. */
  static Config config(Map<String, ?> settings) {
    return ConfigFactory.parseMap(settings)
        .withFallback(ConfigFactory.parseResourcesAnySyntax("application"))
        .resolve();
  }

  static Notification notification(String token, String conv, String text) {
    return new Notification(
        "alice",
        "phone-1",
        Provider.APNS,
        token,
        conv,
        42,
        "text",
        "bob",
        "Bob Builder",
        text,
        3,
        7,
        1_700_000_000_000L);
  }

  /** A clock that tests move forward, starting now at a whole second. */
  static final class TestClock extends Clock {
    private volatile Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
