package io.parley.edge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.netty.handler.ssl.SslHandler;
import io.parley.testing.Integration;
import io.parley.testing.TestTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's TLS settings and keystore: what each socket's engine is given, what stops a node from
 * starting, and a keystore renewed in place. (Integration: keytool runs as a child process.)
 */
@Integration
class ServerTlsTest {
  @TempDir Path dir;

  private static ServerTls.Settings settings(Path keystore, Map<String, Object> overrides) {
    Map<String, Object> all = new HashMap<>(TestTls.shared().nodeSettings());
    all.put("parley.edge.tls.keystore", keystore.toString());
    all.putAll(overrides);
    return ServerTls.Settings.from(
            ConfigFactory.parseMap(all)
                .withFallback(ConfigFactory.parseResourcesAnySyntax("application"))
                .resolve())
        .orElseThrow();
  }

  @Test
  void eachSocketsEngineOffersOnlyTls13And12WithTheConfiguredSuitesAndTimeout() throws Exception {
    ServerTls tls =
        ServerTls.load(
            settings(
                TestTls.shared().keystore(), Map.of("parley.edge.tls.handshake-timeout", "3s")));
    SslHandler handler = tls.newHandler();
    // What refuses TLS 1.1 and 1.0 whatever the JDK's own java.security allows.
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(handler.engine().getEnabledProtocols()));
    assertEquals(
        List.of(
            ConfigFactory.parseResourcesAnySyntax("application")
                .resolve()
                .getString("parley.edge.tls.cipher-suites")
                .split(",")),
        List.of(handler.engine().getEnabledCipherSuites()));
    assertTrue(handler.engine().getSSLParameters().getUseCipherSuitesOrder());
    assertFalse(handler.engine().getUseClientMode());
    assertEquals(Duration.ofSeconds(3).toMillis(), handler.getHandshakeTimeoutMillis());
  }

  @Test
  void aNodeDoesNotStartWithAProtocolOlderThanTls12() {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ServerTls.load(
                    settings(
                        TestTls.shared().keystore(),
                        Map.of("parley.edge.tls.protocols", "TLSv1.3,TLSv1.2,TLSv1.1"))));
    assertTrue(refused.getMessage().contains("TLSv1.1"), refused.getMessage());
  }

  @Test
  void aNodeDoesNotStartWithACipherSuiteTheJdkDoesNotKnow() {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ServerTls.load(
                    settings(
                        TestTls.shared().keystore(),
                        Map.of(
                            "parley.edge.tls.cipher-suites", "TLS_AES_128_GCM_SHA256,TLS_NOPE"))));
    assertTrue(refused.getMessage().contains("TLS_NOPE"), refused.getMessage());
  }

  @Test
  void aNodeDoesNotStartWithoutAKeystoreItCanRead() throws Exception {
    Map<String, Object> enabledWithout = new HashMap<>(TestTls.shared().nodeSettings());
    enabledWithout.put("parley.edge.tls.keystore", "");
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ServerTls.Settings.from(
                    ConfigFactory.parseMap(enabledWithout)
                        .withFallback(ConfigFactory.parseResourcesAnySyntax("application"))
                        .resolve()));
    assertTrue(none.getMessage().contains("PARLEY_TLS_KEYSTORE"), none.getMessage());

    Path missing = dir.resolve("missing.p12");
    IOException absent =
        assertThrows(IOException.class, () -> ServerTls.load(settings(missing, Map.of())));
    assertTrue(absent.getMessage().contains(missing.toString()), absent.getMessage());

    IOException wrongPassword =
        assertThrows(
            IOException.class,
            () ->
                ServerTls.load(
                    settings(
                        TestTls.shared().keystore(),
                        Map.of("parley.edge.tls.keystore-password", "not-the-password"))));
    assertTrue(wrongPassword.getMessage().contains("password"), wrongPassword.getMessage());
  }

  @Test
  void aRenewedKeystoreServesNewSocketsAndOneThatDoesNotLoadIsIgnored() throws Exception {
    Path live = dir.resolve("node.p12");
    TestTls first = TestTls.create(live, "first");
    ServerTls tls = ServerTls.load(settings(live, Map.of()));
    assertEquals(first.certificate(), tls.certificate());
    assertFalse(tls.reloadIfChanged(), "unchanged: not loaded again");

    // Renewed as an operator should: written beside it, then moved over it in one step.
    TestTls second = TestTls.create(dir.resolve("second.p12"), "second");
    Files.move(
        second.keystore(),
        live,
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    assertTrue(tls.reloadIfChanged());
    assertEquals(second.certificate(), tls.certificate());

    // Half written, or not a keystore: the one loaded stays, and it is not tried again until the
    // file changes once more.
    TestTls.corrupt(live);
    assertFalse(tls.reloadIfChanged());
    assertEquals(second.certificate(), tls.certificate());
    assertFalse(tls.reloadIfChanged());

    TestTls third = TestTls.create(live, "third");
    assertTrue(tls.reloadIfChanged());
    assertEquals(third.certificate(), tls.certificate());

    Files.delete(live);
    assertFalse(tls.reloadIfChanged(), "a keystore gone keeps the one loaded");
    assertEquals(third.certificate(), tls.certificate());
  }
}
