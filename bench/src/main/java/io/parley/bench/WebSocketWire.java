package io.parley.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The load tool's WebSockets (RFC 6455, subprotocol {@code parley.v1.json}) on plain non-blocking
 * sockets, all read by one selector thread. Why not the JDK's client: it spent more than half of
 * the tool's CPU on its own scheduling, and the tool shares the box with the node it measures
 * (docs/benchmarks.md). Frames are written on the sender's thread; what a socket does not take at
 * once waits, in order, for the selector to flush it.
 */
public final class WebSocketWire implements AutoCloseable {
  /** Receives a socket's text frames and its end, on the selector thread. */
  public interface Listener {
    void onText(String text, long atNanos);

    void onClosed(int status);
  }

  // How long connecting and the upgrade's answer may take before setting up fails; the JDK
  // client this replaced waited as long.
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

  // With nothing to read the selector still wakes this often; close() wakes it at once anyway.
  private static final Duration SELECT_TIMEOUT = Duration.ofMillis(500);

  private final Duration handshakeTimeout;
  private final long selectTimeoutMillis;

  private final Selector selector = Selector.open();
  private final Thread thread = new Thread(this::selectLoop, "bench-ws");
  private volatile boolean stopped;

  WebSocketWire() throws IOException {
    this(HANDSHAKE_TIMEOUT);
  }

  public WebSocketWire(Duration handshakeTimeout) throws IOException {
    this(handshakeTimeout, SELECT_TIMEOUT);
  }

  WebSocketWire(Duration handshakeTimeout, Duration selectTimeout) throws IOException {
    this.handshakeTimeout = handshakeTimeout;
    this.selectTimeoutMillis = selectTimeout.toMillis();
    thread.setDaemon(true);
    thread.start();
  }

  /** Connects and upgrades (blocking, on the caller's thread), then reads on the selector. */
  public Socket open(InetSocketAddress target, Listener listener) throws IOException {
    SocketChannel ch = SocketChannel.open();
    try {
      ch.socket().connect(target, (int) handshakeTimeout.toMillis());
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      String refused = upgrade(ch, target, handshakeTimeout);
      if (refused != null) throw new IOException(refused);
      ch.configureBlocking(false);
      Socket socket = new Socket(ch, listener);
      // Since JDK 11 registering does not wait for the selector's select() to return, but the
      // selector only polls the new key from its next select(): wake it, or the welcome waits
      // for some other socket's traffic (hellos on a quiet wire took ~0.5 s each).
      socket.key = ch.register(selector, SelectionKey.OP_READ, socket);
      selector.wakeup();
      return socket;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  /** One client socket. */
  public final class Socket {
    private final SocketChannel channel;
    private final Listener listener;
    private final ArrayDeque<ByteBuffer> unsent = new ArrayDeque<>();
    private ByteBuffer partial;
    private SelectionKey key;
    private volatile boolean closed;

    private Socket(SocketChannel channel, Listener listener) {
      this.channel = channel;
      this.listener = listener;
    }

    /** Sends one text frame after those sent before it; false once the socket is closed. */
    public synchronized boolean send(String text) {
      if (closed) return false;
      ByteBuffer frame = maskedTextFrame(text.getBytes(StandardCharsets.UTF_8));
      try {
        if (unsent.isEmpty()) channel.write(frame);
        if (frame.hasRemaining()) {
          unsent.add(frame);
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          selector.wakeup();
        }
        return true;
      } catch (IOException e) {
        end(-1);
        return false;
      }
    }

    private synchronized void flush() throws IOException {
      while (!unsent.isEmpty()) {
        ByteBuffer next = unsent.peek();
        channel.write(next);
        if (next.hasRemaining()) return;
        unsent.poll();
      }
      key.interestOps(SelectionKey.OP_READ);
    }

    private void read(ByteBuffer shared) throws IOException {
      // A frame bigger than the shared buffer (a long history page) gets a buffer of its own.
      ByteBuffer buf =
          partial != null && partial.remaining() > shared.capacity() / 2
              ? ByteBuffer.allocate(partial.remaining() * 2)
              : shared;
      buf.clear();
      if (partial != null) buf.put(partial);
      if (channel.read(buf) < 0) {
        end(1006);
        return;
      }
      long at = System.nanoTime();
      buf.flip();
      int close =
          readFrames(
              buf,
              (opcode, payload) -> {
                if (opcode == 1) listener.onText(new String(payload, StandardCharsets.UTF_8), at);
              });
      partial = buf.hasRemaining() ? ByteBuffer.allocate(buf.remaining()).put(buf).flip() : null;
      if (close >= 0) end(close);
    }

    /** Drops the socket without a closing handshake (the load is over or it failed). */
    public void close() {
      if (claimClose()) release();
    }

    /** The socket failed or the server closed it: the listener hears of it once. */
    private void end(int status) {
      // A failed write on a sender's thread and the server's close on the selector can meet.
      if (!claimClose()) return;
      release();
      listener.onClosed(status);
    }

    private synchronized boolean claimClose() {
      if (closed) return false;
      closed = true;
      return true;
    }

    private void release() {
      key.cancel();
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private void selectLoop() {
    ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
    while (!stopped) {
      try {
        selector.select(
            key -> {
              Socket socket = (Socket) key.attachment();
              try {
                if (key.isValid() && key.isWritable()) socket.flush();
                if (key.isValid() && key.isReadable()) socket.read(buf);
              } catch (IOException | CancelledKeyException e) {
                socket.end(-1);
              }
            },
            selectTimeoutMillis);
      } catch (IOException | ClosedSelectorException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    stopped = true;
    selector.close();
  }

  /**
   * The upgrade request and the response head on a blocking channel, waiting at most {@code
   * timeout} for each read; null when answered with 101, else why not.
   */
  static String upgrade(SocketChannel ch, InetSocketAddress target, Duration timeout)
      throws IOException {
    String request =
        "GET /ws HTTP/1.1\r\nHost: "
            + target.getHostString()
            + ":"
            + target.getPort()
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            + "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: parley.v1.json\r\n\r\n";
    ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
    // The channel's own reads cannot time out; its socket's stream can.
    ch.socket().setSoTimeout((int) timeout.toMillis());
    InputStream in = ch.socket().getInputStream();
    StringBuilder head = new StringBuilder();
    try {
      while (!endsWithBlankLine(head)) {
        int b = in.read();
        if (b < 0) break;
        head.append((char) b);
      }
    } catch (SocketTimeoutException e) {
      return "no answer to the upgrade within " + timeout.toMillis() + " ms";
    }
    if (head.toString().startsWith("HTTP/1.1 101")) return null;
    return "upgrade refused: " + head.toString().lines().findFirst().orElse("connection closed");
  }

  private static boolean endsWithBlankLine(StringBuilder head) {
    int n = head.length();
    return n >= 4
        && head.charAt(n - 4) == '\r'
        && head.charAt(n - 3) == '\n'
        && head.charAt(n - 2) == '\r'
        && head.charAt(n - 1) == '\n';
  }

  /** Client frames must be masked; the key need not be secret here (it is for proxies). */
  static ByteBuffer maskedTextFrame(byte[] payload) {
    byte[] mask = {0x1b, 0x2c, 0x3d, 0x4e};
    int lengthBytes = payload.length < 126 ? 0 : payload.length <= 0xFFFF ? 2 : 8;
    ByteBuffer frame = ByteBuffer.allocate(2 + lengthBytes + 4 + payload.length);
    frame.put((byte) 0x81);
    if (lengthBytes == 0) frame.put((byte) (0x80 | payload.length));
    else if (lengthBytes == 2) frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
    else frame.put((byte) (0x80 | 127)).putLong(payload.length);
    frame.put(mask);
    for (int i = 0; i < payload.length; i++) frame.put((byte) (payload[i] ^ mask[i & 3]));
    return frame.flip();
  }

  interface FrameSink {
    void frame(int opcode, byte[] payload);
  }

  /**
   * Reads the whole server frames in {@code buf} (unmasked, never fragmented by Parley), leaving a
   * partial one in it; returns a close frame's code (1005 without one), or -1 if none came.
   */
  static int readFrames(ByteBuffer buf, FrameSink sink) {
    while (buf.remaining() >= 2) {
      int start = buf.position();
      int opcode = buf.get(start) & 0x0F;
      int len = buf.get(start + 1) & 0x7F;
      int header = 2;
      if (len == 126) {
        if (buf.remaining() < 4) break;
        len = buf.getShort(start + 2) & 0xFFFF;
        header = 4;
      } else if (len == 127) {
        if (buf.remaining() < 10) break;
        len = (int) buf.getLong(start + 2);
        header = 10;
      }
      if (buf.remaining() < header + len) break;
      buf.position(start + header);
      byte[] payload = new byte[len];
      buf.get(payload);
      if (opcode == 8) return len >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
      sink.frame(opcode, payload);
    }
    return -1;
  }
}
