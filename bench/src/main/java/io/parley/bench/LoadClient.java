package io.parley.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One device's WebSocket ({@code parley.v1.json}) on the tool's {@link WebSocketWire}: frames
 * arrive on its selector thread; {@link #send} writes on the caller's thread and never blocks on a
 * full socket (the wire keeps the rest in order).
 */
final class LoadClient {
  /** Receives every frame, on the wire's selector thread; {@code atNanos} is its arrival. */
  interface Handler {
    void onFrame(LoadClient client, Frame frame, long atNanos);

    void onClosed(LoadClient client, int status);
  }

  /**
   * How long setup waits for the node's answer to one request (hello, create, join, a priming post)
   * before the run fails, and for the setup entries' pushes before it notes the missing ones: only
   * bounds a wait on an unresponsive node, no result depends on it.
   */
  static final long SETUP_REPLY_SECONDS = 30;

  private static final AtomicInteger RIDS = new AtomicInteger();

  final int index;
  final String user;
  private final Map<String, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<Frame> welcome = new CompletableFuture<>();
  private final CompletableFuture<Frame> synced = new CompletableFuture<>();

  /** msg frames this socket received, and delivery acks it wrote, over its life. */
  final LongAdder msgsReceived = new LongAdder();

  final LongAdder acksSent = new LongAdder();
  private volatile Handler handler;
  private volatile boolean closed;
  private volatile boolean acksEachMsg;
  private WebSocketWire.Socket socket;

  private LoadClient(int index, String user) {
    this.index = index;
    this.user = user;
  }

  static LoadClient connect(WebSocketWire wire, String host, int port, int index, String user)
      throws IOException {
    LoadClient client = new LoadClient(index, user);
    client.socket =
        wire.open(
            new InetSocketAddress(host, port),
            new WebSocketWire.Listener() {
              @Override
              public void onText(String text, long atNanos) {
                client.received(text, atNanos);
              }

              @Override
              public void onClosed(int status) {
                client.markClosed(status);
              }
            });
    return client;
  }

  /** Sends hello and waits for welcome and synced; returns the welcome. */
  Frame hello(String token, String device) throws Exception {
    send("{\"type\":\"hello\",\"token\":\"" + token + "\",\"device\":\"" + device + "\"}");
    Frame w = answer(welcome, "welcome");
    if (!"welcome".equals(w.type()))
      throw new IllegalStateException(user + ": hello answered " + w.raw());
    answer(synced, "synced");
    return w;
  }

  /**
   * Waits for a setup reply; a timeout becomes an error that says which socket and what to check (a
   * bare TimeoutException said neither).
   */
  Frame answer(CompletableFuture<Frame> reply, String what) throws Exception {
    try {
      return reply.get(SETUP_REPLY_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "setting up: no "
              + what
              + " within "
              + SETUP_REPLY_SECONDS
              + " s on socket "
              + index
              + " (user "
              + user
              + "); the node may be overloaded or stalled: check its log and /metrics, or set up fewer sockets");
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "setting up: no " + what + " on socket " + index + ": " + e.getCause().getMessage());
    }
  }

  /**
   * From now on this socket acks each msg frame as it arrives, from its receive callback, as a
   * phone does ({@code --acks each}); otherwise acks come from {@link Upkeep} in batches.
   */
  void ackEachMsg() {
    acksEachMsg = true;
  }

  /** A cumulative delivery ack: this device holds every entry of conv up to seq. */
  void ack(String conv, long seq) {
    if (write("{\"type\":\"ack\",\"conv\":\"" + conv + "\",\"seq\":" + seq + "}"))
      acksSent.increment();
  }

  void handler(Handler handler) {
    this.handler = handler;
  }

  boolean closed() {
    return closed;
  }

  /**
   * Sends a request built around a fresh rid ({@code body} is the frame's fields after the rid,
   * starting with a comma) and completes with its reply.
   */
  CompletableFuture<Frame> request(String type, String body) {
    String rid = "q" + RIDS.incrementAndGet();
    CompletableFuture<Frame> reply = new CompletableFuture<>();
    pending.put(rid, reply);
    send("{\"type\":\"" + type + "\",\"rid\":\"" + rid + "\"" + body + "}");
    if (closed && pending.remove(rid) != null)
      reply.completeExceptionally(new IllegalStateException("socket closed"));
    return reply;
  }

  /** Sends a frame; it goes out after the frames sent before it. */
  void send(String text) {
    write(text);
  }

  /** True if the frame went out (or waits in order for the socket). */
  private boolean write(String text) {
    if (closed) return false;
    if (socket.send(text)) return true;
    markClosed(-1);
    return false;
  }

  void close() {
    closed = true;
    if (socket != null) socket.close();
  }

  private void markClosed(int status) {
    if (closed) return;
    closed = true;
    IllegalStateException ended = new IllegalStateException("socket closed (" + status + ")");
    welcome.completeExceptionally(ended);
    synced.completeExceptionally(ended);
    pending.values().forEach(reply -> reply.completeExceptionally(ended));
    Handler h = handler;
    if (h != null) h.onClosed(this, status);
  }

  private void received(String text, long at) {
    Frame f = Frame.parse(text);
    if (f.rid() != null) {
      CompletableFuture<Frame> reply = pending.remove(f.rid());
      if (reply != null) {
        reply.complete(f);
        return;
      }
    }
    switch (f.type() == null ? "?" : f.type()) {
      case "welcome" -> welcome.complete(f);
      case "synced" -> synced.complete(f);
      case "error" -> {
        if (!welcome.isDone()) welcome.complete(f);
      }
      default -> {}
    }
    Handler h = handler;
    if (h != null) h.onFrame(this, f, at);
    if ("msg".equals(f.type())) {
      msgsReceived.increment();
      // The frame's own seq is cumulative: frames arrive in seq order per connection (protocol
      // section 3), and a gap fails the run's checker anyway.
      if (acksEachMsg && f.conv() != null && f.seq() > 0) ack(f.conv(), f.seq());
    }
  }
}
