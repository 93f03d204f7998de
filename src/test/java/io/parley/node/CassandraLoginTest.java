package io.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.storage.CassandraSessions;
import io.parley.storage.CassandraSettings;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.Keystores;
import io.parley.testing.TestNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parley against a Cassandra with authentication on and TLS offered: the test Cassandra that {@code
 * ./parley test} starts (the embedded one, as {@code ./parley run} runs it). The node logs in with
 * its role over TLS and stores and reads; a wrong password, a missing login or an untrusted
 * certificate stops it at start, at once, saying why.
 */
@Integration
class CassandraLoginTest {
  // Far below parley.cassandra.connect-timeout (120 s): a refusal is not waited out.
  private static final Duration AT_ONCE = Duration.ofSeconds(20);

  @BeforeAll
  static void theTestCassandraRequiresALogin() {
    CassandraSettings anonymous =
        CassandraSettings.from(TestNodes.config(Map.of())).withCredentials("", "");
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> CassandraSessions.open(anonymous, Duration.ofSeconds(5)).close(),
            "the test Cassandra must run with authentication on (./parley test starts one that"
                + " does; a PARLEY_TEST_CASSANDRA without it cannot run these tests)");
    assertTrue(refused.getMessage().contains("requires a login"), refused.getMessage());
  }

  @Test
  void nodeLogsInOverTlsAndStoresAndReads() throws Exception {
    // The journal's sessions name themselves, so that Cassandra's list of clients shows how they
    // connected.
    String application = "parley-tls-test-" + UUID.randomUUID();
    Map<String, Object> settings = new HashMap<>(TestNodes.cassandraTls());
    settings.put("datastax-java-driver.basic.application.name", application);
    try (Node node = TestNodes.start(settings)) {
      Api api = new Api(node.httpAddress());
      String user = Ids.user("tls");
      // Register stores the user's first event; login reads it back (the journal, over TLS).
      api.registerAndLogin(user);
      assertEquals(409, api.register(user, "another-password").status(), "read back: taken");

      List<Row> clients = clientsOf(application);
      assertFalse(clients.isEmpty(), "the node's sessions are connected");
      for (Row client : clients) {
        assertTrue(client.getBoolean("ssl_enabled"), "over TLS: " + client.getFormattedContents());
        assertEquals("TLSv1.3", client.getString("ssl_protocol"));
        assertEquals(System.getenv("PARLEY_CASSANDRA_USERNAME"), client.getString("username"));
      }
    }
  }

  @Test
  void wrongPasswordStopsTheNodeAtStartSayingSo() {
    for (boolean applySchema : List.of(true, false)) {
      String message =
          refusedStart(
              Map.of(
                  "parley.cassandra.password",
                  "wrong-password",
                  "parley.cassandra.apply-schema",
                  applySchema));
      assertTrue(
          message.contains("refused the login of user '")
              && message.contains("PARLEY_CASSANDRA_PASSWORD"),
          "apply-schema " + applySchema + ": " + message);
    }
  }

  @Test
  void missingLoginStopsTheNodeAtStartSayingSo() {
    String message = refusedStart(Map.of("parley.cassandra.username", ""));
    assertTrue(message.contains("requires a login"), message);
  }

  @Test
  void untrustedCassandraCertificateStopsTheNodeAtStart(@TempDir Path dir) throws Exception {
    Keystores.Pair stranger = Keystores.selfSigned(dir, "stranger");
    String message =
        refusedStart(
            Map.of(
                "parley.cassandra.tls.truststore",
                stranger.trustStore().toString(),
                "parley.cassandra.tls.truststore-password",
                Keystores.PASSWORD));
    assertTrue(message.startsWith("TLS to Cassandra at"), message);
    assertTrue(message.contains("PARLEY_CASSANDRA_TRUSTSTORE"), message);
  }

  @Test
  void missingTruststoreStopsTheNodeAtStart(@TempDir Path dir) {
    for (boolean applySchema : List.of(true, false)) {
      String message =
          refusedStart(
              Map.of(
                  "parley.cassandra.tls.truststore",
                  dir.resolve("nowhere.p12").toString(),
                  "parley.cassandra.apply-schema",
                  applySchema));
      assertTrue(
          message.contains("(PARLEY_CASSANDRA_TRUSTSTORE) is not a readable file"),
          "apply-schema " + applySchema + ": " + message);
    }
  }

  /** Starts a node that must not start; returns why, checking that it said so at once. */
  private static String refusedStart(Map<String, Object> overrides) {
    long started = System.nanoTime();
    Exception refused =
        assertThrows(
            IllegalStateException.class,
            () -> {
              try (Node node = TestNodes.start(overrides)) {
                // Started: the assertion fails.
              }
            });
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(AT_ONCE) < 0, "refused after " + took + ": " + refused);
    return refused.getMessage();
  }

  /** Cassandra's own list of connected clients that gave this application name. */
  private static List<Row> clientsOf(String application) {
    try (CqlSession session =
        CassandraSessions.open(
            CassandraSettings.from(TestNodes.config(Map.of())), Duration.ofSeconds(30))) {
      return session
          .execute(
              "SELECT username, ssl_enabled, ssl_protocol, client_options FROM system_views.clients")
          .all()
          .stream()
          .filter(
              row ->
                  application.equals(
                      row.getMap("client_options", String.class, String.class)
                          .get("APPLICATION_NAME")))
          .toList();
    }
  }
}
