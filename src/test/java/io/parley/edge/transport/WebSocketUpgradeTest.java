package io.parley.edge.transport;

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

  private void assertWelcomed(RawWebSocket raw) throws Exception {
    String hello = "{\"type\":\"hello\",\"token\":\"" + token + "\",\"device\":\"d1\"}";
    raw.write(RawWebSocket.maskedFrame(1, hello.getBytes(StandardCharsets.UTF_8)));
    RawWebSocket.Frame welcome = raw.read();
    assertEquals(1, welcome.opcode());
    assertTrue(welcome.text().contains("\"type\":\"welcome\""), welcome.text());
  }
}
