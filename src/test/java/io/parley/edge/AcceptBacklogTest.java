package io.parley.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.bench.ProcStats;
import io.parley.node.Node;
import io.parley.testing.Await;
import io.parley.testing.TestNodes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A burst of clients connecting at once (everyone reconnecting after a deploy) waits in the OS's
 * accept queue until the node takes it: no connect is dropped for a full queue, on either port.
 * A dropped connect would cost its client a SYN retry of a second or more; with the backlog of
 * 100 that a bind gets by default, this burst overflows the queue.
 */
@ExtendWith(TestNodes.class)
class AcceptBacklogTest {
  private static final int BURST = 400;

  @Test
  void aBurstOfConnectsToTheTcpPortIsQueuedNotDropped(Node node) throws Exception {
    assertNoConnectDropped(node.tcpAddress());
  }

  @Test
  void aBurstOfConnectsToTheHttpPortIsQueuedNotDropped(Node node) throws Exception {
    assertNoConnectDropped(node.httpAddress());
  }

  private static void assertNoConnectDropped(InetSocketAddress address) throws Exception {
    long before = ProcStats.listenOverflows();
    assertTrue(before >= 0, "reads the kernel's ListenOverflows counter from /proc/net/netstat");
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
      Await.until(() -> connected(burst), n -> n == BURST, Duration.ofSeconds(30), "every connect of the burst");
    } finally {
      for (SocketChannel ch : burst) ch.close();
    }
    assertEquals(0, ProcStats.listenOverflows() - before, "connects dropped by a full accept queue");
  }

  private static int connected(List<SocketChannel> channels) throws IOException {
    int n = 0;
    for (SocketChannel ch : channels) if (ch.isConnected() || ch.finishConnect()) n++;
    return n;
  }
}
