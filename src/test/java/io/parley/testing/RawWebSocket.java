package io.parley.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client written out by hand on a plain socket, to send what real clients never would
 * (frames byte by byte, unmasked frames, an upgrade after another request) and to read the server's
 * bytes as they are. Written from RFC 6455, not from Parley's code.
 */
public final class RawWebSocket implements AutoCloseable {
  /** RFC 6455's sample key and the accept value the RFC gives for it. */
  public static final String SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  public static final String SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  public record Frame(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    public int code() {
      return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }
  }

  /** A connected socket; nothing sent yet. */
  public RawWebSocket(InetSocketAddress address) throws IOException {
    this(address, 0);
  }

  /**
   * A connected socket whose receive buffer is {@code receiveBufferBytes} (0: the system's), so a
   * client that does not read stalls the server's writes after a few KB, not after megabytes.
   */
  public RawWebSocket(InetSocketAddress address, int receiveBufferBytes) throws IOException {
    this(connect(address, receiveBufferBytes));
  }

  /** Over a socket connected already (a TLS one, say); nothing sent yet. */
  public RawWebSocket(Socket connected) throws IOException {
    socket = connected;
    socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
  }

  private static Socket connect(InetSocketAddress address, int receiveBufferBytes)
      throws IOException {
    Socket socket = new Socket();
    if (receiveBufferBytes > 0) socket.setReceiveBufferSize(receiveBufferBytes);
    socket.connect(address, 10_000);
    return socket;
  }

  /** Connected and upgraded (JSON subprotocol); fails unless the answer is the RFC's 101. */
  public static RawWebSocket open(InetSocketAddress address) throws IOException {
    return open(address, 0);
  }

  /** {@link #open(InetSocketAddress)} with a receive buffer of this size (0: the system's). */
  public static RawWebSocket open(InetSocketAddress address, int receiveBufferBytes)
      throws IOException {
    RawWebSocket raw = new RawWebSocket(address, receiveBufferBytes);
    raw.write(upgradeRequest(address, "13"));
    String head = raw.readHead();
    if (!head.startsWith("HTTP/1.1 101") || !head.contains(SAMPLE_ACCEPT)) {
      raw.close();
      throw new AssertionError("not the RFC's 101 for its sample key:\n" + head);
    }
    return raw;
  }

  /** An upgrade on /ws with the RFC's sample key, asking for parley.v1.json. */
  public static byte[] upgradeRequest(InetSocketAddress address, String version) {
    String request =
        "GET /ws HTTP/1.1\r\nHost: "
            + address.getHostString()
            + "\r\nUpgrade: websocket\r\n"
            + "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: "
            + SAMPLE_KEY
            + "\r\n"
            + "Sec-WebSocket-Version: "
            + version
            + "\r\nSec-WebSocket-Protocol: parley.v1.json\r\n\r\n";
    return request.getBytes(StandardCharsets.US_ASCII);
  }

  /** One masked frame, as clients must send them; payloads up to 65,535 bytes. */
  public static byte[] maskedFrame(int opcode, byte[] payload) {
    byte[] mask = {0x37, (byte) 0xfa, 0x21, 0x3d};
    int lengthBytes = payload.length < 126 ? 0 : 2;
    byte[] frame = new byte[2 + lengthBytes + 4 + payload.length];
    frame[0] = (byte) (0x80 | opcode);
    if (lengthBytes == 0) {
      frame[1] = (byte) (0x80 | payload.length);
    } else {
      frame[1] = (byte) (0x80 | 126);
      frame[2] = (byte) (payload.length >>> 8);
      frame[3] = (byte) payload.length;
    }
    int at = 2 + lengthBytes;
    System.arraycopy(mask, 0, frame, at, 4);
    for (int i = 0; i < payload.length; i++) frame[at + 4 + i] = (byte) (payload[i] ^ mask[i % 4]);
    return frame;
  }

  public void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** An HTTP response's status line and headers, up to and including the blank line. */
  public String readHead() throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.readUnsignedByte());
    return head.toString();
  }

  /** An HTTP response's body of the length its head gives. */
  public String readBody(String head) throws IOException {
    String length =
        head.lines()
            .filter(l -> l.toLowerCase().startsWith("content-length:"))
            .findFirst()
            .orElseThrow();
    byte[] body = new byte[Integer.parseInt(length.substring(length.indexOf(':') + 1).trim())];
    in.readFully(body);
    return new String(body, StandardCharsets.UTF_8);
  }

  public Frame read() throws IOException {
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
