package io.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings that turn on TLS and logins inside the cluster reach Pekko and the driver only when
 * set: the driver turns a login or TLS on by the mere presence of its class setting.
 */
class ParleyConfigTlsTest {
  // The launcher exports a test Cassandra's login to the tests: start from none.
  private static final Map<String, Object> PLAIN =
      Map.of(
          "parley.cassandra.username", "",
          "parley.cassandra.password", "",
          "parley.cassandra.tls.truststore", "",
          "parley.cluster.tls.enabled", false);

  private static Config load(Map<String, Object> overrides) {
    Map<String, Object> all = new HashMap<>(PLAIN);
    all.putAll(overrides);
    return ParleyConfig.load(ConfigFactory.parseMap(all));
  }

  @Test
  void withNothingSetTheClusterAndCassandraLinksArePlain() {
    Config config = load(Map.of());
    assertEquals("tcp", config.getString("pekko.remote.artery.transport"));
    assertFalse(config.hasPath("datastax-java-driver.advanced.auth-provider.class"));
    assertFalse(config.hasPath("datastax-java-driver.advanced.ssl-engine-factory.class"));
    ParleyConfig.checkClusterTls(config);
  }

  @Test
  void aCassandraLoginAndTruststoreReachTheDriver() {
    Config config =
        load(
            Map.of(
                "parley.cassandra.username", "parley",
                "parley.cassandra.password", "secret",
                "parley.cassandra.tls.truststore", "/etc/parley/cassandra-truststore.p12",
                "parley.cassandra.tls.truststore-password", "store-secret"));
    Config driver = config.getConfig("datastax-java-driver.advanced");
    assertEquals("PlainTextAuthProvider", driver.getString("auth-provider.class"));
    assertEquals("parley", driver.getString("auth-provider.username"));
    assertEquals("secret", driver.getString("auth-provider.password"));
    assertEquals("DefaultSslEngineFactory", driver.getString("ssl-engine-factory.class"));
    assertEquals(
        "/etc/parley/cassandra-truststore.p12",
        driver.getString("ssl-engine-factory.truststore-path"));
    assertEquals("store-secret", driver.getString("ssl-engine-factory.truststore-password"));
    assertTrue(driver.getBoolean("ssl-engine-factory.hostname-validation"));
  }

  @Test
  void clusterTlsSelectsTlsTcpWithMutualAuthentication(@TempDir Path dir) throws Exception {
    Path keyStore = Files.writeString(dir.resolve("keystore.p12"), "k");
    Path trustStore = Files.writeString(dir.resolve("truststore.p12"), "t");
    Config config =
        load(
            Map.of(
                "parley.cluster.tls.enabled",
                true,
                "parley.cluster.tls.key-store",
                keyStore.toString(),
                "parley.cluster.tls.key-store-password",
                "kp",
                "parley.cluster.tls.trust-store",
                trustStore.toString(),
                "parley.cluster.tls.trust-store-password",
                "tp"));
    assertEquals("tls-tcp", config.getString("pekko.remote.artery.transport"));
    Config engine = config.getConfig("pekko.remote.artery.ssl.config-ssl-engine");
    assertEquals(keyStore.toString(), engine.getString("key-store"));
    assertEquals("kp", engine.getString("key-store-password"));
    assertEquals("kp", engine.getString("key-password"));
    assertEquals(trustStore.toString(), engine.getString("trust-store"));
    assertEquals("tp", engine.getString("trust-store-password"));
    assertEquals("TLSv1.3", engine.getString("protocol"));
    assertTrue(engine.getBoolean("require-mutual-authentication"));
    ParleyConfig.checkClusterTls(config);
  }

  @Test
  void clusterTlsWithoutItsStoresRefusesToStartNamingTheVariable(@TempDir Path dir) {
    IllegalArgumentException unset =
        assertThrows(
            IllegalArgumentException.class,
            () -> ParleyConfig.checkClusterTls(load(Map.of("parley.cluster.tls.enabled", true))));
    assertTrue(
        unset.getMessage().contains("PARLEY_ARTERY_KEYSTORE is not set"), unset.getMessage());

    Path missing = dir.resolve("nowhere.p12");
    IllegalArgumentException unreadable =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ParleyConfig.checkClusterTls(
                    load(
                        Map.of(
                            "parley.cluster.tls.enabled", true,
                            "parley.cluster.tls.key-store", missing.toString(),
                            "parley.cluster.tls.trust-store", missing.toString()))));
    assertTrue(
        unreadable.getMessage().contains("PARLEY_ARTERY_KEYSTORE " + missing),
        unreadable.getMessage());
  }
}
