package io.parley.notifications;

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
