package io.parley.bench;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many idle devices on Parley's raw TCP transport (4-byte big-endian length + UTF-8 JSON) or on its
 * WebSocket (masked text frames after an upgrade request), cheap on the client: non-blocking
 * channels on one selector thread. Each socket binds its local address itself, so when one source
 * address runs out of ephemeral ports the next (127.0.0.2, 127.0.0.3, ...) takes over: that is what
 * the JDK WebSocket client cannot do.
 */
final class IdleSockets implements AutoCloseable {
  private final InetSocketAddress target;
  private final boolean webSocket;
  private final int sources;
  private final Selector selector = Selector.open();
  // Appended by the connecting thread only; the pinger reads up to the volatile count.
  private final SocketChannel[] channels;
  private volatile int count;
  private final Thread reader;
  private volatile boolean stopped;
  private int source;
  final AtomicLong welcomes = new AtomicLong();
  final AtomicLong pongs = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong closedByServer = new AtomicLong();
  volatile long heartbeatMs;
  volatile String lastError = "";

  IdleSockets(InetSocketAddress target, boolean webSocket, int sources, int capacity)
      throws IOException {
    this.target = target;
    this.webSocket = webSocket;
    this.channels = new SocketChannel[capacity];
    this.sources = Math.max(1, Math.min(254, sources));
    this.reader = new Thread(this::readLoop, "bench-idle-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** The source address sockets bind to now (127.0.0.1 first). */
  String sourceAddress() {
    return "127.0.0." + (source + 1);
  }

  int sourcesUsed() {
    return source + 1;
  }

  int open() {
    return count;
  }

  /**
   * Opens one socket and sends hello. Returns false when no source address has a port left or the
   * process is out of file descriptors ({@link #lastError} says which).
   */
  boolean connect(String token, String device) throws IOException {
    if (count == channels.length) return false;
    while (true) {
      SocketChannel ch;
      try {
        ch = SocketChannel.open();
      } catch (IOException e) {
        lastError = e.getMessage(); // typically "Too many open files": this process's limit
        return false;
      }
      try {
        ch.bind(new InetSocketAddress(sourceAddress(), 0));
        ch.connect(target);
      } catch (BindException | java.net.NoRouteToHostException e) {
        ch.close();
        lastError = sourceAddress() + ": " + e.getMessage();
        if (++source >= sources) return false;
        continue;
      } catch (SocketException e) {
        ch.close();
        lastError = e.getMessage();
        return false;
      }
      ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      if (webSocket && !upgrade(ch)) {
        ch.close();
        return false;
      }
      write(ch, "{\"type\":\"hello\",\"token\":\"" + token + "\",\"device\":\"" + device + "\"}");
      ch.configureBlocking(false);
      // Since JDK 11 registering does not wait for the reader's select() to return.
      ch.register(selector, SelectionKey.OP_READ, new Reading());
      channels[count] = ch;
      count = count + 1;
      return true;
    }
  }

  /**
   * Sends a ping on every {@code every}-th socket starting at {@code offset} (a slice per tick).
   */
  void ping(int offset, int every) {
    int n = count;
    for (int i = offset; i < n; i += every) {
      SocketChannel ch = channels[i];
      if (!ch.isOpen()) continue;
      try {
        write(ch, "{\"type\":\"ping\"}");
      } catch (IOException e) {
        errors.incrementAndGet();
      }
    }
  }

  long stillOpen() {
    int n = count;
    long open = 0;
    for (int i = 0; i < n; i++) if (channels[i].isOpen()) open++;
    return open;
  }

  private boolean upgrade(SocketChannel ch) throws IOException {
    String refused = WebSocketWire.upgrade(ch, target, WebSocketWire.HANDSHAKE_TIMEOUT);
    if (refused != null) lastError = refused;
    return refused == null;
  }

  private void write(SocketChannel ch, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer frame =
        webSocket
            ? WebSocketWire.maskedTextFrame(bytes)
            : ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).flip();
    // A frame this small fits the socket's send buffer; a full buffer is retried briefly.
    for (int spins = 0; frame.hasRemaining() && spins < 1000; spins++) ch.write(frame);
  }

  /** A frame split across reads; most frames arrive whole and need none of this. */
  private static final class Reading {
    ByteBuffer partial;
  }

  private void readLoop() {
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    while (!stopped) {
      try {
        selector.select(key -> read(key, buf), 500);
      } catch (IOException | java.nio.channels.ClosedSelectorException e) {
        if (!stopped) lastError = String.valueOf(e);
        return;
      }
    }
  }

  private void read(SelectionKey key, ByteBuffer buf) {
    SocketChannel ch = (SocketChannel) key.channel();
    Reading state = (Reading) key.attachment();
    try {
      buf.clear();
      if (state.partial != null) buf.put(state.partial);
      int n = ch.read(buf);
      if (n < 0) {
        closedByServer.incrementAndGet();
        key.cancel();
        ch.close();
        return;
      }
      buf.flip();
      if (webSocket) readWebSocketFrames(buf);
      else readTcpFrames(buf);
      state.partial =
          buf.hasRemaining() ? ByteBuffer.allocate(buf.remaining()).put(buf).flip() : null;
    } catch (IOException e) {
      errors.incrementAndGet();
      key.cancel();
      try {
        ch.close();
      } catch (IOException ignored) {
        // already failing
      }
    }
  }

  private void readTcpFrames(ByteBuffer buf) {
    while (buf.remaining() >= 4) {
      int len = buf.getInt(buf.position());
      if (buf.remaining() < 4 + len) break;
      buf.getInt();
      byte[] json = new byte[len];
      buf.get(json);
      onFrame(Frame.parse(new String(json, StandardCharsets.UTF_8)));
    }
  }

  /** Server frames are unmasked and whole (Parley never fragments); close frames are counted. */
  private void readWebSocketFrames(ByteBuffer buf) {
    int close =
        WebSocketWire.readFrames(
            buf,
            (opcode, payload) -> {
              if (opcode == 1) onFrame(Frame.parse(new String(payload, StandardCharsets.UTF_8)));
            });
    if (close >= 0) closedByServer.incrementAndGet();
  }

  private void onFrame(Frame f) {
    switch (f.type() == null ? "?" : f.type()) {
      case "welcome" -> {
        welcomes.incrementAndGet();
        if (f.heartbeatMs() > 0) heartbeatMs = f.heartbeatMs();
      }
      case "pong" -> pongs.incrementAndGet();
      case "error" -> {
        errors.incrementAndGet();
        lastError = f.raw();
      }
      default -> {}
    }
  }

  @Override
  public void close() throws IOException {
    stopped = true;
    for (int i = 0; i < count; i++) {
      SocketChannel ch = channels[i];
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    selector.close();
  }
}
