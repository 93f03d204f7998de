package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (the JDK's), speaking parley.v1.json or parley.v1.cbor, over ws:// or
 * wss://.
 */
public final class WsClient extends TestClient {
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
  // One client for all plaintext sockets, one per keystore for wss: each HttpClient has its own
  // selector thread.
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Map<TestTls, HttpClient> HTTPS = new ConcurrentHashMap<>();

  private final WebSocket socket;
  private final boolean cbor;
  private final java.util.List<String> pongs = new java.util.ArrayList<>();

  private WsClient(InetSocketAddress address, String subprotocol, TestTls tls) throws Exception {
    this.cbor = "parley.v1.cbor".equals(subprotocol);
    URI uri =
        URI.create(
            (tls == null ? "ws://" : "wss://")
                + address.getHostString()
                + ":"
                + address.getPort()
                + "/ws");
    HttpClient http =
        tls == null
            ? HTTP
            : HTTPS.computeIfAbsent(
                tls, t -> HttpClient.newBuilder().sslContext(t.clientContext()).build());
    WebSocket.Builder builder = http.newWebSocketBuilder();
    if (subprotocol != null) builder.subprotocols(subprotocol);
    this.socket =
        builder.buildAsync(uri, new Listener()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  public static WsClient json(InetSocketAddress address) throws Exception {
    return json(address, null);
  }

  public static WsClient cbor(InetSocketAddress address) throws Exception {
    return cbor(address, null);
  }

  /** Over wss:// if {@code tls} is not null, trusting its certificate. */
  public static WsClient json(InetSocketAddress address, TestTls tls) throws Exception {
    return new WsClient(address, "parley.v1.json", tls);
  }

  public static WsClient cbor(InetSocketAddress address, TestTls tls) throws Exception {
    return new WsClient(address, "parley.v1.cbor", tls);
  }

  public String subprotocol() {
    return socket.getSubprotocol();
  }

  @Override
  protected void sendBytes(ObjectNode frame) throws Exception {
    if (cbor) {
      await(socket.sendBinary(ByteBuffer.wrap(CBOR.writeValueAsBytes(frame)), true));
    } else {
      sendRaw(JSON.writeValueAsString(frame));
    }
  }

  @Override
  public void sendRaw(String text) throws Exception {
    await(socket.sendText(text, true));
  }

  /**
   * Waits for a send; a socket the node has closed fails it with the IOException itself, as a raw
   * TCP client's write would (not wrapped), so tests can expect one kind of failure.
   */
  private static void await(java.util.concurrent.CompletableFuture<?> send) throws Exception {
    try {
      send.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof java.io.IOException closed) throw closed;
      throw e;
    }
  }

  /** Sends bytes as one binary message, whatever they are (for malformed CBOR). */
  public void sendBinary(byte[] bytes) throws Exception {
    await(socket.sendBinary(ByteBuffer.wrap(bytes), true));
  }

  /** Sends one text message as several WebSocket frames (fragments). */
  public void sendFragmented(String... parts) throws Exception {
    for (int i = 0; i < parts.length; i++) {
      socket.sendText(parts[i], i == parts.length - 1).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** Sends a WebSocket ping frame (not the protocol's {"type":"ping"}). */
  public void sendPingFrame(String payload) throws Exception {
    socket
        .sendPing(ByteBuffer.wrap(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * Waits for a pong frame answering a ping with this payload; fails if the socket closes first.
   */
  public synchronized void awaitPongFrame(String payload) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!pongs.contains(payload)) {
      if (isClosed())
        throw new AssertionError("socket closed before the pong frame for " + payload);
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("no pong frame for " + payload + "; got " + pongs);
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  @Override
  public void close() {
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        parse(() -> JSON.readTree(text.toString()));
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      binary.writeBytes(bytes);
      if (last) {
        byte[] all = binary.toByteArray();
        parse(() -> CBOR.readTree(all));
        binary.reset();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      byte[] bytes = new byte[message.remaining()];
      message.get(bytes);
      synchronized (WsClient.this) {
        pongs.add(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        WsClient.this.notifyAll();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closedWith(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closedWith(-1);
    }

    private void parse(Parser parser) {
      try {
        received(parser.parse());
      } catch (Exception e) {
        throw new AssertionError("server sent an unreadable frame", e);
      }
    }
  }

  private interface Parser {
    JsonNode parse() throws Exception;
  }
}
