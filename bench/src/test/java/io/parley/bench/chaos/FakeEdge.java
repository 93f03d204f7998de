package io.parley.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An edge node that speaks just enough WebSocket (upgrade, masked client text frames, plain server
 * frames) for a test to script its answers frame by frame: a refusal, a close, a missing pong.
 */
final class FakeEdge implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Answers one client frame (on that connection's reader thread). */
  interface Script {
    void frame(Conn conn, JsonNode frame) throws IOException;
  }

  /** One accepted connection. */
  static final class Conn {
    final int number;
    private final Socket socket;
    private final OutputStream out;

    Conn(int number, Socket socket) throws IOException {
      this.number = number;
      this.socket = socket;
      this.out = socket.getOutputStream();
    }

    synchronized void send(String json) throws IOException {
      byte[] payload = json.getBytes(StandardCharsets.UTF_8);
      ByteBuffer head = ByteBuffer.allocate(10).put((byte) 0x81);
      if (payload.length < 126) head.put((byte) payload.length);
      else if (payload.length <= 0xFFFF) head.put((byte) 126).putShort((short) payload.length);
      else head.put((byte) 127).putLong(payload.length);
      out.write(head.array(), 0, head.position());
      out.write(payload);
      out.flush();
    }

    /** welcome then synced: what a hello gets. */
    void welcome(String user) throws IOException {
      welcomeOnly(user);
      synced();
    }

    /** The first answer to a hello (after its token check). */
    void welcomeOnly(String user) throws IOException {
      send(
          "{\"type\":\"welcome\",\"user\":\""
              + user
              + "\",\"device\":\"d0\",\"heartbeat_ms\":30000}");
    }

    /** The end of a hello's sync. */
    void synced() throws IOException {
      send("{\"type\":\"synced\"}");
    }

    void close() throws IOException {
      socket.close();
    }
  }

  private final ServerSocket server;
  private final Script script;

  /**
   * Every frame any client sent, in order, with the connection it came on ({@code _conn}) and when
   * it was read ({@code _at}, System.nanoTime()).
   */
  final List<JsonNode> frames = new CopyOnWriteArrayList<>();

  final List<Conn> conns = new CopyOnWriteArrayList<>();

  FakeEdge(Script script) throws IOException {
    this.script = script;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "fake-edge-accept");
    accept.setDaemon(true);
    accept.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", server.getLocalPort());
  }

  /** The frames of one type clients sent, in order. */
  List<JsonNode> frames(String type) {
    return frames.stream().filter(f -> type.equals(f.path("type").asText())).toList();
  }

  private void accept() {
    try {
      while (true) {
        Socket s = server.accept();
        Conn conn = new Conn(conns.size() + 1, s);
        conns.add(conn);
        Thread reader = new Thread(() -> serve(conn, s), "fake-edge-" + conn.number);
        reader.setDaemon(true);
        reader.start();
      }
    } catch (IOException e) {
      // closed
    }
  }

  private void serve(Conn conn, Socket s) {
    try (s) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      skipHead(in);
      OutputStream out = s.getOutputStream();
      out.write(
          ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Protocol: parley.v1.json\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      while (true) {
        int b0 = in.readUnsignedByte(), b1 = in.readUnsignedByte();
        long len = b1 & 0x7F;
        if (len == 126) len = in.readUnsignedShort();
        else if (len == 127) len = in.readLong();
        byte[] mask = in.readNBytes(4);
        byte[] payload = in.readNBytes((int) len);
        for (int i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
        if ((b0 & 0x0F) == 8) return;
        JsonNode frame = JSON.readTree(payload);
        frames.add(
            ((com.fasterxml.jackson.databind.node.ObjectNode) frame)
                .put("_conn", conn.number)
                .put("_at", System.nanoTime()));
        script.frame(conn, frame);
      }
    } catch (IOException e) {
      // the client went, or the test closed this connection
    }
  }

  private static void skipHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) throw new IOException("no request head");
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Conn c : conns) c.close();
  }
}
