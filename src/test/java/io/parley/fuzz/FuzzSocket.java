package io.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A client socket that writes whatever bytes it is given as frames of its transport (raw TCP's
 * length prefix, or masked RFC 6455 frames of either opcode, whole or in fragments with pings
 * between them) and also writes what no transport allows. A reader thread hands every server frame,
 * parsed, to a {@link Listener}; unreadable ones and the end of the connection too.
 */
final class FuzzSocket implements AutoCloseable {
  enum Transport {
    TCP("tcp"),
    WS_JSON("parley.v1.json"),
    WS_CBOR("parley.v1.cbor");

    final String label;

    Transport(String label) {
      this.label = label;
    }

    boolean cbor() {
      return this == WS_CBOR;
    }
  }

  interface Listener {
    void frame(JsonNode frame);

    void unreadable(byte[] bytes, Exception why);

    /** The connection ended: a WebSocket close code, 0 for a TCP end of stream, -1 for a reset. */
    void closed(int code);
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
  private static final int TEXT = 1, BINARY = 2, CONTINUATION = 0, CLOSE = 8, PING = 9, PONG = 10;
  private static final int CONNECT_TIMEOUT_MS = 10_000;

  private final Transport transport;
  private final Socket socket = new Socket();
  private final OutputStream out;
  private final DataInputStream in;
  private final Listener listener;
  private final SplittableRandom masks;

  FuzzSocket(InetSocketAddress address, Transport transport, Listener listener, long seed)
      throws IOException {
    this.transport = transport;
    this.listener = listener;
    this.masks = new SplittableRandom(seed);
    socket.connect(address, CONNECT_TIMEOUT_MS);
    socket.setTcpNoDelay(true);
    out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    in = new DataInputStream(socket.getInputStream());
    if (transport != Transport.TCP) upgrade(address);
    Thread reader = new Thread(this::readLoop, "fuzz-" + transport.label + "-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void upgrade(InetSocketAddress address) throws IOException {
    String request =
        "GET /ws HTTP/1.1\r\nHost: "
            + address.getHostString()
            + "\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: "
            + transport.label
            + "\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.readUnsignedByte());
    if (!head.toString().startsWith("HTTP/1.1 101") || !head.toString().contains(transport.label)) {
      throw new IOException("upgrade refused:\n" + head);
    }
  }

  /**
   * One protocol frame. On WebSocket, {@code r} may send it in the other data opcode (both are
   * accepted on either subprotocol), or in fragments with pings between them.
   */
  synchronized void send(byte[] payload, SplittableRandom r) throws IOException {
    if (transport == Transport.TCP) {
      writeInt(payload.length);
      out.write(payload);
      return;
    }
    int opcode = transport.cbor() ? BINARY : TEXT;
    if (r.nextInt(20) == 0) opcode = opcode == TEXT ? BINARY : TEXT;
    if (r.nextInt(10) > 0 || payload.length < 2) {
      wsFrame(true, opcode, payload, true);
      return;
    }
    int pieces = 2 + r.nextInt(3);
    int at = 0;
    for (int i = 0; i < pieces; i++) {
      int end = i == pieces - 1 ? payload.length : at + r.nextInt(payload.length - at + 1);
      wsFrame(
          i == pieces - 1,
          i == 0 ? opcode : CONTINUATION,
          java.util.Arrays.copyOfRange(payload, at, end),
          true);
      if (r.nextBoolean()) wsFrame(true, PING, "fuzz".getBytes(StandardCharsets.US_ASCII), true);
      at = end;
    }
  }

  /** Bytes as they are, no framing: what no client may write. */
  synchronized void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
  }

  /** A WebSocket frame with any header bits (for frames the protocol forbids). */
  synchronized void wsFrame(boolean fin, int opcode, byte[] payload, boolean masked)
      throws IOException {
    wsFrame(fin ? 0x80 | opcode : opcode, payload, masked);
  }

  synchronized void wsFrame(int firstByte, byte[] payload, boolean masked) throws IOException {
    out.write(firstByte);
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      out.write(maskBit | payload.length);
    } else if (payload.length <= 0xFFFF) {
      out.write(maskBit | 126);
      out.write(payload.length >>> 8);
      out.write(payload.length);
    } else {
      out.write(maskBit | 127);
      for (int i = 7; i >= 0; i--) out.write((int) ((long) payload.length >>> (8 * i)));
    }
    if (!masked) {
      out.write(payload);
      return;
    }
    byte[] mask = new byte[4];
    for (int i = 0; i < 4; i++) mask[i] = (byte) masks.nextInt(256);
    out.write(mask);
    byte[] masked2 = new byte[payload.length];
    for (int i = 0; i < payload.length; i++) masked2[i] = (byte) (payload[i] ^ mask[i & 3]);
    out.write(masked2);
  }

  synchronized void writeInt(int value) throws IOException {
    out.write(value >>> 24);
    out.write(value >>> 16);
    out.write(value >>> 8);
    out.write(value);
  }

  synchronized void flush() throws IOException {
    out.flush();
  }

  Transport transport() {
    return transport;
  }

  private void readLoop() {
    try {
      if (transport == Transport.TCP) {
        while (true) {
          byte[] frame = new byte[in.readInt()];
          in.readFully(frame);
          parse(frame, false);
        }
      }
      while (true) {
        int b0 = in.readUnsignedByte();
        long length = in.readUnsignedByte() & 0x7F;
        if (length == 126) length = in.readUnsignedShort();
        else if (length == 127) length = in.readLong();
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        int opcode = b0 & 0x0F;
        if (opcode == CLOSE) {
          listener.closed(
              payload.length >= 2 ? (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF) : 1005);
          return;
        }
        if (opcode == TEXT || opcode == BINARY) parse(payload, opcode == BINARY);
        else if (opcode != PONG && opcode != PING)
          listener.unreadable(payload, new IOException("opcode " + opcode));
      }
    } catch (EOFException e) {
      listener.closed(0);
    } catch (IOException | ArithmeticException e) {
      listener.closed(-1);
    }
  }

  private void parse(byte[] bytes, boolean cbor) {
    try {
      listener.frame((cbor ? CBOR : JSON).readTree(bytes));
    } catch (IOException e) {
      listener.unreadable(bytes, e);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
