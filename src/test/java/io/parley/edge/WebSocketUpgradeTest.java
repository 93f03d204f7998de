package io.parley.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.RawWebSocket;
import io.parley.testing.TestNodes;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The edge HTTP port's two ways to a WebSocket: a connection that opens with the upgrade is
 * answered by Parley itself; an upgrade later on a kept-alive connection goes through Pekko HTTP's
 * route. Both must end in the same working socket, and bad upgrades in HTTP errors.
 */
@Integration
@ExtendWith(TestNodes.class)
class WebSocketUpgradeTest {
  private Node node;
  private String token;

  @BeforeEach
  void setUp(Node shared) throws Exception {
    node = shared;
    token = new Api(node.httpAddress()).registerAndLogin(Ids.user("upgrade"));
  }

  @Test
  void anUpgradeArrivingByteByByteIsAnswered() throws Exception {
    try (RawWebSocket raw = new RawWebSocket(node.httpAddress())) {
      for (byte b : RawWebSocket.upgradeRequest(node.httpAddress(), "13"))
        raw.write(new byte[] {b});
      String head = raw.readHead();
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      assertTrue(head.contains("Sec-WebSocket-Accept: " + RawWebSocket.SAMPLE_ACCEPT), head);
      assertTrue(head.contains("Sec-WebSocket-Protocol: parley.v1.json"), head);
      assertWelcomed(raw);
    }
  }

  @Test
  void framesSentWithTheUpgradeAreRead() throws Exception {
    try (RawWebSocket raw = new RawWebSocket(node.httpAddress())) {
      byte[] upgrade = RawWebSocket.upgradeRequest(node.httpAddress(), "13");
      byte[] ping = RawWebSocket.maskedFrame(9, "early".getBytes(StandardCharsets.UTF_8));
      byte[] both = new byte[upgrade.length + ping.length];
      System.arraycopy(upgrade, 0, both, 0, upgrade.length);
      System.arraycopy(ping, 0, both, upgrade.length, ping.length);
      raw.write(both);
      assertTrue(raw.readHead().startsWith("HTTP/1.1 101"));
      RawWebSocket.Frame pong = raw.read();
      assertEquals(10, pong.opcode());
      assertEquals("early", pong.text());
    }
  }

  @Test
  void anUpgradeAfterAnotherRequestOnTheSameConnectionWorks() throws Exception {
    try (RawWebSocket raw = new RawWebSocket(node.httpAddress())) {
      raw.write(
          ("GET / HTTP/1.1\r\nHost: " + node.httpAddress().getHostString() + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      String page = raw.readHead();
      assertTrue(page.startsWith("HTTP/1.1 200"), page);
      assertTrue(raw.readBody(page).contains("<html"), "the web client's page");
      raw.write(RawWebSocket.upgradeRequest(node.httpAddress(), "13"));
      String head = raw.readHead();
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      assertTrue(head.contains(RawWebSocket.SAMPLE_ACCEPT), head);
      assertWelcomed(raw);
    }
  }

  @Test
  void badUpgradesGetHttpErrors() throws Exception {
    try (RawWebSocket raw = new RawWebSocket(node.httpAddress())) {
      raw.write(RawWebSocket.upgradeRequest(node.httpAddress(), "8"));
      String head = raw.readHead();
      assertTrue(head.startsWith("HTTP/1.1 400"), "an unsupported version is refused: " + head);
    }
    try (RawWebSocket raw = new RawWebSocket(node.httpAddress())) {
      byte[] elsewhere =
          new String(
                  RawWebSocket.upgradeRequest(node.httpAddress(), "13"), StandardCharsets.US_ASCII)
              .replace("GET /ws ", "GET /wsx ")
              .getBytes(StandardCharsets.US_ASCII);
      raw.write(elsewhere);
      String head = raw.readHead();
      assertTrue(head.startsWith("HTTP/1.1 404"), "only /ws upgrades: " + head);
    }
  }

  @Test
  void aLateUpgradeCarriesTheSessionBothWays() throws Exception {
    // After a first request, the socket is Pekko HTTP's, handed over as messages (LateUpgrade).
    try (RawWebSocket raw = new RawWebSocket(node.httpAddress())) {
      raw.write(
          ("GET / HTTP/1.1\r\nHost: " + node.httpAddress().getHostString() + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      String page = raw.readHead();
      raw.readBody(page);
      raw.write(RawWebSocket.upgradeRequest(node.httpAddress(), "13"));
      assertTrue(raw.readHead().startsWith("HTTP/1.1 101"));
      assertWelcomed(raw);
      String ping = "{\"type\":\"ping\",\"rid\":\"late-1\"}";
      raw.write(RawWebSocket.maskedFrame(1, ping.getBytes(StandardCharsets.UTF_8)));
      // The hello sync's frames may come first; the pong answers the ping by its rid.
      String pong = null;
      for (int i = 0; i < 10 && pong == null; i++) {
        RawWebSocket.Frame frame = raw.read();
        if (frame.text().contains("\"type\":\"pong\"")) pong = frame.text();
      }
      assertTrue(pong != null && pong.contains("\"rid\":\"late-1\""), "pong: " + pong);
    }
  }

  @Test
  void aLateUpgradedSocketThatSendsAnOversizedMessageIsClosed() throws Exception {
    // Over parley.limits.max-frame-bytes (64 KiB): read only up to the limit, then the socket ends.
    try (RawWebSocket raw = new RawWebSocket(node.httpAddress())) {
      raw.write(
          ("GET / HTTP/1.1\r\nHost: " + node.httpAddress().getHostString() + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      raw.readBody(raw.readHead());
      raw.write(RawWebSocket.upgradeRequest(node.httpAddress(), "13"));
      assertTrue(raw.readHead().startsWith("HTTP/1.1 101"));
      assertWelcomed(raw);
      byte[] huge = new byte[1 << 20];
      java.util.Arrays.fill(huge, (byte) 'a');
      try {
        raw.write(RawWebSocket.maskedFrame(1, huge));
      } catch (java.io.IOException closedWhileWriting) {
        return; // the node closed the socket before taking the whole megabyte: what it should do
      }
      boolean ended = false;
      for (int i = 0; i < 20 && !ended; i++) {
        try {
          ended = raw.read().opcode() == 8; // a close frame
        } catch (java.io.EOFException | java.net.SocketException gone) {
          ended = true;
        }
      }
      assertTrue(ended, "the socket should end after an oversized message");
    }
  }

  private void assertWelcomed(RawWebSocket raw) throws Exception {
    String hello = "{\"type\":\"hello\",\"token\":\"" + token + "\",\"device\":\"d1\"}";
    raw.write(RawWebSocket.maskedFrame(1, hello.getBytes(StandardCharsets.UTF_8)));
    RawWebSocket.Frame welcome = raw.read();
    assertEquals(1, welcome.opcode());
    assertTrue(welcome.text().contains("\"type\":\"welcome\""), welcome.text());
  }
}
