package io.parley.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Parley's own WebSocket framing, against the JDK's client and against raw bytes on a socket. */
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
    try (WsClient ws = WsClient.json(node.httpAddress())) {
      ws.hello(token, "d1", null);
      ws.sendCloseFrame(1000);
      assertEquals(1000, ws.awaitClose());
    }
  }

  @Test
  void aFrameArrivingByteByByteIsReassembled() throws Exception {
    try (RawSocket raw = new RawSocket(node.httpAddress())) {
      // A bad token, so the answer is an error and then close 4401: both read here as raw frames.
      byte[] hello =
          RawSocket.maskedFrame(1, "{\"type\":\"hello\",\"token\":\"nope\",\"device\":\"d\"}".getBytes(StandardCharsets.UTF_8));
      for (byte b : hello) raw.write(new byte[] {b});
      RawSocket.Frame error = raw.read();
      assertEquals(1, error.opcode());
      assertTrue(error.text().contains("\"unauthorized\""), error.text());
      RawSocket.Frame close = raw.read();
      assertEquals(8, close.opcode());
      assertEquals(4401, close.code());
    }
  }

  @Test
  void anUnmaskedClientFrameIsAProtocolError() throws Exception {
    try (RawSocket raw = new RawSocket(node.httpAddress())) {
      byte[] text = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
      byte[] frame = new byte[2 + text.length];
      frame[0] = (byte) 0x81;
      frame[1] = (byte) text.length;
      System.arraycopy(text, 0, frame, 2, text.length);
      raw.write(frame);
      RawSocket.Frame close = raw.read();
      assertEquals(8, close.opcode());
      assertEquals(1002, close.code());
    }
  }

  /** A WebSocket client written out by hand, to send what real clients never would. */
  private static final class RawSocket implements AutoCloseable {
    private final Socket socket = new Socket();
    private final OutputStream out;
    private final DataInputStream in;

    record Frame(int opcode, byte[] payload) {
      String text() {
        return new String(payload, StandardCharsets.UTF_8);
      }

      int code() {
        return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
      }
    }

    RawSocket(InetSocketAddress address) throws IOException {
      socket.connect(address, 10_000);
      socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      in = new DataInputStream(socket.getInputStream());
      String request =
          "GET /ws HTTP/1.1\r\nHost: " + address.getHostString() + "\r\nUpgrade: websocket\r\n"
              + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: parley.v1.json\r\n\r\n";
      write(request.getBytes(StandardCharsets.US_ASCII));
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.readUnsignedByte());
      assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
      assertTrue(head.toString().contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "RFC 6455's accept for its sample key");
    }

    static byte[] maskedFrame(int opcode, byte[] payload) {
      byte[] mask = {0x37, (byte) 0xfa, 0x21, 0x3d};
      byte[] frame = new byte[2 + 4 + payload.length];
      frame[0] = (byte) (0x80 | opcode);
      frame[1] = (byte) (0x80 | payload.length); // short payloads only
      System.arraycopy(mask, 0, frame, 2, 4);
      for (int i = 0; i < payload.length; i++) frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
      return frame;
    }

    void write(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    Frame read() throws IOException {
      int b0 = in.readUnsignedByte();
      int length = in.readUnsignedByte() & 0x7F;
      if (length == 126) length = in.readUnsignedShort();
      else if (length == 127) length = (int) in.readLong();
      byte[] payload = new byte[length];
      in.readFully(payload);
      return new Frame(b0 & 0x0F, payload);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
