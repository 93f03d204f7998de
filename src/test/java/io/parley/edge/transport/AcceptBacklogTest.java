package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.node.Node;
import io.parley.testing.Await;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A burst of clients connecting at once (everyone reconnecting after a deploy) waits in the OS's
 * accept queue until the node takes it: each port listens with the configured queue (what the
 * kernel reports for that socket), larger than the burst, and every connect of the burst completes.
 * A dropped connect would cost its client a SYN retry of a second or more; with a backlog of 100
 * (Pekko IO's default, which Parley's sockets once had), this burst overflows it. (The kernel's
 * ListenOverflows counter would show drops too, but it counts every socket of the host.)
 */
@Integration
@ExtendWith(TestNodes.class)
class AcceptBacklogTest {
  private static final int BURST = 400;

  @Test
  void aBurstOfConnectsToTheTcpPortIsQueuedNotDropped(Node node) throws Exception {
    assertNoConnectDropped(node, node.tcpAddress());
  }

  @Test
  void aBurstOfConnectsToTheHttpPortIsQueuedNotDropped(Node node) throws Exception {
    assertNoConnectDropped(node, node.httpAddress());
  }

  private static void assertNoConnectDropped(Node node, InetSocketAddress address)
      throws Exception {
    int configured = node.system().settings().config().getInt("parley.edge.accept-backlog");
    // readAllLines: Files.readString trusts the size a /proc file reports, and read "4" of "4096".
    int somaxconn =
        Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).trim());
    assertTrue(
        Math.min(configured, somaxconn) > BURST,
        "a queue of "
            + configured
            + " (somaxconn "
            + somaxconn
            + ") must hold the burst of "
            + BURST);
    assertEquals(
        Math.min(configured, somaxconn),
        acceptQueue(address.getPort()),
        "the listening socket's accept queue");
    List<SocketChannel> burst = new ArrayList<>();
    try {
      for (int i = 0; i < BURST; i++) {
        SocketChannel ch = SocketChannel.open();
        burst.add(ch);
        ch.configureBlocking(false);
        ch.connect(address);
      }
      // A dropped connect is retried by the kernel and completes later: wait for all of them,
      // then ask the kernel whether any was dropped on the way.
      Await.until(
          () -> connected(burst),
          n -> n == BURST,
          Duration.ofSeconds(30),
          "every connect of the burst");
    } finally {
      for (SocketChannel ch : burst) ch.close();
    }
  }

  /** The accept queue the kernel holds for the socket listening on port (ss's Send-Q). */
  private static int acceptQueue(int port) throws Exception {
    Process ss =
        new ProcessBuilder("ss", "-Hltn", "sport = :" + port).redirectErrorStream(true).start();
    String out = new String(ss.getInputStream().readAllBytes()).trim();
    assertTrue(
        ss.waitFor(10, TimeUnit.SECONDS) && ss.exitValue() == 0,
        "this test needs iproute2's ss: " + out);
    // "LISTEN 0 1024 127.0.0.1:7070 0.0.0.0:*": state, queued now, the queue's size, ...
    String[] fields = out.split("\\s+");
    assertTrue(
        fields.length >= 3 && fields[0].equals("LISTEN"),
        "one listening socket on " + port + ": " + out);
    return Integer.parseInt(fields[2]);
  }

  private static int connected(List<SocketChannel> channels) throws IOException {
    int n = 0;
    for (SocketChannel ch : channels) if (ch.isConnected() || ch.finishConnect()) n++;
    return n;
  }
}
