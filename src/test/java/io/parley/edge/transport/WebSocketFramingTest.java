package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.RawWebSocket;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Parley's own WebSocket framing, against the JDK's client and against raw bytes on a socket. */
@Integration
@ExtendWith(TestNodes.class)
class WebSocketFramingTest {
  private Node node;
  private String token;

  @BeforeEach
  void setUp(Node shared) throws Exception {
    node = shared;
    token = new Api(node.httpAddress()).registerAndLogin(Ids.user("frames"));
  }

  @Test
  void aMessageSentInFragmentsIsReadWhole() throws Exception {
    try (WsClient ws = WsClient.json(node.httpAddress())) {
      ws.hello(token, "d1", null);
      ws.sendFragmented("{\"type\":", "\"ping\",\"rid\"", ":\"frag\"}");
      assertEquals("pong", ws.awaitReply("frag").get("type").asText());
    }
  }

  @Test
  void pingFramesAreAnsweredWithTheirPayload() throws Exception {
    try (WsClient ws = WsClient.json(node.httpAddress())) {
      ws.hello(token, "d1", null);
      ws.sendPingFrame("are-you-there");
      ws.awaitPongFrame("are-you-there");
      ws.send(TestClient.frame("ping", "rid", "after"));
      assertEquals("pong", ws.awaitReply("after").get("type").asText(), "the socket still works");
    }
  }

  @Test
  void aClientsCloseIsEchoed() throws Exception {
    // Raw bytes: the JDK's client reports a close even when the server only drops the socket.
    try (RawWebSocket raw = RawWebSocket.open(node.httpAddress())) {
      raw.write(
          RawWebSocket.maskedFrame(8, new byte[] {(byte) (4321 >>> 8), (byte) (4321 & 0xFF)}));
      RawWebSocket.Frame close = raw.read();
      assertEquals(8, close.opcode());
      assertEquals(4321, close.code(), "the client's own code comes back");
    }
  }

  @Test
  void aFrameArrivingByteByByteIsReassembled() throws Exception {
    try (RawWebSocket raw = RawWebSocket.open(node.httpAddress())) {
      // A bad token, so the answer is an error and then close 4401: both read here as raw frames.
      byte[] hello =
          RawWebSocket.maskedFrame(
              1,
              "{\"type\":\"hello\",\"token\":\"nope\",\"device\":\"d\"}"
                  .getBytes(StandardCharsets.UTF_8));
      for (byte b : hello) raw.write(new byte[] {b});
      RawWebSocket.Frame error = raw.read();
      assertEquals(1, error.opcode());
      assertTrue(error.text().contains("\"unauthorized\""), error.text());
      RawWebSocket.Frame close = raw.read();
      assertEquals(8, close.opcode());
      assertEquals(4401, close.code());
    }
  }

  @Test
  void anUnmaskedClientFrameIsAProtocolError() throws Exception {
    try (RawWebSocket raw = RawWebSocket.open(node.httpAddress())) {
      byte[] text = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
      byte[] frame = new byte[2 + text.length];
      frame[0] = (byte) 0x81;
      frame[1] = (byte) text.length;
      System.arraycopy(text, 0, frame, 2, text.length);
      raw.write(frame);
      RawWebSocket.Frame close = raw.read();
      assertEquals(8, close.opcode());
      assertEquals(1002, close.code());
    }
  }
}
