package io.parley.node;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.parley.testing.Api;
import io.parley.testing.Await;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.Keystores;
import io.parley.testing.TestNodes;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.StreamSupport;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster traffic over TLS (Artery's tls-tcp, mutual authentication) between two nodes in this JVM:
 * a core node and an edge node whose REST requests only the core node's entities can answer. A node
 * or client with a key the cluster's truststore does not hold gets nowhere.
 */
@Integration
class ClusterTlsTest {
  // Long enough for a joining node to try its seed several times (it retries every few seconds).
  private static final Duration STAYS_OUT = Duration.ofSeconds(8);
  private static final Duration CHECK_EVERY = Duration.ofMillis(200);
  private static final int PROBE_READ_TIMEOUT_MS = 2000;
  private static final Duration STOP_WAIT = Duration.ofSeconds(30);

  @Test
  void nodesWithTheClusterKeyFormAClusterOverTlsAndOthersStayOut(@TempDir Path dir)
      throws Exception {
    Keystores.Pair cluster = Keystores.selfSigned(dir, "cluster");
    Keystores.Pair stranger = Keystores.selfSigned(dir, "stranger");
    Node core = start(cluster, Map.of("parley.node.roles", "core"));
    try {
      String seed = "127.0.0.1:" + remotePort(core);
      Map<String, Object> joining =
          Map.of(
              "parley.node.roles",
              "edge",
              "parley.cluster.self-join",
              false,
              "parley.cluster.seed-nodes",
              seed,
              // The core node has applied it.
              "parley.cassandra.apply-schema",
              false);
      Node edge = start(cluster, joining);
      try {
        awaitUp(core, 2);
        // The edge node holds no entity: its answer comes from the core node, over TLS.
        String user = Ids.user("tls-cluster");
        new Api(edge.httpAddress()).registerAndLogin(user);

        // The remote port speaks TLS 1.3, and takes the cluster's key ...
        try (SSLSocket socket = probe(cluster, cluster, core)) {
          assertEquals("TLSv1.3", socket.getSession().getProtocol());
          assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read());
        }
        // ... and no other, even from a client that trusts the cluster's certificate.
        assertThrows(
            SSLException.class,
            () -> {
              try (SSLSocket socket = probe(stranger, cluster, core)) {
                socket.getInputStream().read();
              }
            });

        Node outsider = start(stranger, joining);
        try {
          long until = System.nanoTime() + STAYS_OUT.toNanos();
          while (System.nanoTime() < until) {
            assertEquals(2, upMembers(core), "only the two nodes with the cluster's key");
            assertNotEquals(
                MemberStatus.up(),
                Cluster.get(outsider.system()).selfMember().status(),
                "the outsider never joins");
            LockSupport.parkNanos(CHECK_EVERY.toNanos());
          }
        } finally {
          stop(outsider);
        }
      } finally {
        stop(edge);
      }
    } finally {
      stop(core);
    }
  }

  /**
   * Terminates a node, waiting a bounded time. Pekko 1.2's Artery can wait without end for a
   * remoting stream that stalled (apache/pekko#3247, bounded by shutdown-streams-timeout in a later
   * Pekko): seen once in several runs here, on the edge node after the outsider's failed TLS
   * handshakes. A deployed node is not held by it: with exit-jvm on, coordinated shutdown ends the
   * JVM after its last phase times out. Here, with several nodes in one JVM, the test goes on and
   * leaves that system to the JVM's end; what it asserts was checked above.
   */
  private static void stop(Node node) throws Exception {
    node.system().terminate();
    try {
      node.system().getWhenTerminated().toCompletableFuture().get(STOP_WAIT.toSeconds(), SECONDS);
    } catch (TimeoutException e) {
      System.err.println(
          "ClusterTlsTest: " + node.system().address() + " did not terminate in " + STOP_WAIT);
    }
  }

  private static Node start(Keystores.Pair stores, Map<String, Object> overrides) throws Exception {
    Map<String, Object> settings = new HashMap<>(overrides);
    settings.put("parley.cluster.tls.enabled", true);
    settings.put("parley.cluster.tls.key-store", stores.keyStore().toString());
    settings.put("parley.cluster.tls.key-store-password", Keystores.PASSWORD);
    settings.put("parley.cluster.tls.trust-store", stores.trustStore().toString());
    settings.put("parley.cluster.tls.trust-store-password", Keystores.PASSWORD);
    // Several clusters' worth of nodes in one JVM.
    settings.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    // One system name for all: nodes of differently named systems never form a cluster.
    return Node.start(TestNodes.config(settings), ParleyConfig.SYSTEM_NAME);
  }

  private static int remotePort(Node node) {
    return node.system().address().getPort().get();
  }

  private static long upMembers(Node node) {
    return StreamSupport.stream(
            Cluster.get(node.system()).state().getMembers().spliterator(), false)
        .filter(m -> m.status().equals(MemberStatus.up()))
        .count();
  }

  private static void awaitUp(Node node, int members) throws Exception {
    Await.until(
        () -> upMembers(node),
        up -> up == members,
        Duration.ofSeconds(60),
        members + " members Up");
  }

  /** A TLS connection to the node's remote port with {@code key}, trusting {@code trusted}. */
  private static SSLSocket probe(Keystores.Pair key, Keystores.Pair trusted, Node node)
      throws Exception {
    SSLSocket socket = (SSLSocket) key.context(trusted).getSocketFactory().createSocket();
    socket.connect(new InetSocketAddress("127.0.0.1", remotePort(node)), PROBE_READ_TIMEOUT_MS);
    socket.setSoTimeout(PROBE_READ_TIMEOUT_MS);
    socket.startHandshake();
    return socket;
  }
}
