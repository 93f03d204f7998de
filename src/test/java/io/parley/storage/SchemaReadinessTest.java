package io.parley.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.parley.node.Node;
import io.parley.testing.Await;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node's GET /ready (Pekko Management) against the real Cassandra: not ready while the journal's
 * tables do not exist (the schema Job has not run) or while too few replicas answer for a QUORUM
 * write, ready once both hold; the node itself is an Up member throughout, so the Cassandra check
 * is what decides.
 */
@Integration
class SchemaReadinessTest {
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final String RF1 = "{'class': 'NetworkTopologyStrategy', 'datacenter1': 1}";
  // The test Cassandra is one node: 3 replicas can never make a QUORUM of 2.
  private static final String RF3 = "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3}";
  private static final String KEYSPACE =
      "parley_ready_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));

  private static CqlSession cql;

  @BeforeAll
  static void connect() {
    // Logged in as the nodes are; its requests wait 60 s, as DDL on a loaded 2-core box needs.
    cql = CassandraSessions.open(CassandraSettings.from(TestNodes.config(Map.of())), SETTLE);
  }

  @AfterAll
  static void drop() {
    for (String keyspace : new String[] {KEYSPACE, KEYSPACE + "_snapshot"}) {
      cql.execute("DROP KEYSPACE IF EXISTS " + keyspace);
    }
    cql.close();
  }

  @Test
  void notReadyWithoutTheSchemaThenReadyOnceItExistsThenNotWithoutAQuorum() throws Exception {
    try (Node node =
        TestNodes.start(
            Map.of(
                "parley.cassandra.apply-schema",
                false,
                "pekko.persistence.cassandra.journal.keyspace",
                KEYSPACE,
                "pekko.persistence.cassandra.snapshot.keyspace",
                KEYSPACE + "_snapshot"))) {
      Cluster cluster = Cluster.get(node.system());
      Await.until(
          () -> cluster.selfMember().status(),
          MemberStatus.up()::equals,
          SETTLE,
          "the node to be an Up member");

      // Up in the cluster, Cassandra answering, no tables: the schema Job has not run yet.
      // (Pekko's answer names no check; the membership check holds from here on, so the changes
      // below, to Cassandra alone, are what turn /ready.)
      HttpResponse<String> absent = ready(node);
      assertEquals(500, absent.statusCode(), absent.body());

      // What the schema Job does (schema.cql, into this test's own keyspaces).
      for (String statement : Schema.statements(RF1)) {
        cql.execute(
            statement
                .replaceAll("\\bpekko_snapshot\\b", KEYSPACE + "_snapshot")
                .replaceAll("\\bpekko\\b", KEYSPACE));
      }
      awaitReady(node, 200, "ready once the schema exists");

      // Three replicas wanted, one up: a journal write could not succeed (a QUORUM is 2).
      cql.execute("ALTER KEYSPACE " + KEYSPACE + " WITH replication = " + RF3);
      RuntimeException premise =
          assertThrows(
              RuntimeException.class,
              () ->
                  cql.execute(
                      SimpleStatement.newInstance(
                              "SELECT sequence_nr FROM "
                                  + KEYSPACE
                                  + ".messages WHERE persistence_id = 'x' AND partition_nr = 0")
                          .setConsistencyLevel(ConsistencyLevel.QUORUM)));
      assertTrue(
          premise.getMessage().contains("Not enough replicas available"),
          "the test's premise, no QUORUM of 3 replicas on one node: " + premise);
      awaitReady(node, 500, "not ready without a QUORUM of the journal's replicas");

      cql.execute("ALTER KEYSPACE " + KEYSPACE + " WITH replication = " + RF1);
      awaitReady(node, 200, "ready again once a QUORUM answers");
    }
  }

  private static void awaitReady(Node node, int status, String what) throws Exception {
    Await.until(() -> ready(node).statusCode(), s -> s == status, SETTLE, what);
  }

  private static HttpResponse<String> ready(Node node) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.managementAddress().getPort() + "/ready"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
