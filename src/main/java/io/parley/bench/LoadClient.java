package io.parley.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One device's WebSocket ({@code parley.v1.json}), on the JDK client. All sockets share one
 * {@link HttpClient} (one selector thread) whose executor is a small fixed pool, so callbacks
 * never fall back to a thread per task (see ../shared/STACK.md). The JDK socket takes one send
 * at a time, so frames wait in a queue and go out as each write completes: the scheduler that
 * calls {@link #send} never blocks on a socket.
 */
final class LoadClient {
  /** Receives every frame, on the client's callback threads; {@code atNanos} is its arrival. */
  interface Handler {
    void onFrame(LoadClient client, Frame frame, long atNanos);

    void onClosed(LoadClient client, int status);
  }

  private static final AtomicInteger RIDS = new AtomicInteger();

  final int index;
  final String user;
  private final Queue<String> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writing = new AtomicBoolean();
  private final Map<String, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<Frame> welcome = new CompletableFuture<>();
  private final CompletableFuture<Frame> synced = new CompletableFuture<>();
  private volatile Handler handler;
  private volatile boolean closed;
  private WebSocket socket;

  private LoadClient(int index, String user) {
    this.index = index;
    this.user = user;
  }

  static CompletableFuture<LoadClient> connect(HttpClient http, String host, int port, int index, String user) {
    LoadClient client = new LoadClient(index, user);
    URI uri = URI.create("ws://" + host + ":" + port + "/ws");
    return http.newWebSocketBuilder()
        .subprotocols("parley.v1.json")
        .connectTimeout(Duration.ofSeconds(30))
        .buildAsync(uri, client.new Listener())
        .thenApply(
            ws -> {
              client.socket = ws;
              return client;
            });
  }

  /** Sends hello and waits for welcome and synced; returns the welcome. */
  Frame hello(String token, String device) throws Exception {
    send("{\"type\":\"hello\",\"token\":\"" + token + "\",\"device\":\"" + device + "\"}");
    Frame w = welcome.get(30, TimeUnit.SECONDS);
    if (!"welcome".equals(w.type())) throw new IllegalStateException(user + ": hello answered " + w.raw());
    synced.get(30, TimeUnit.SECONDS);
    return w;
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
    return reply;
  }

  /** Queues a frame; it goes out after the frames queued before it. */
  void send(String text) {
    outbox.add(text);
    pump();
  }

  private void pump() {
    while (!closed && !outbox.isEmpty() && writing.compareAndSet(false, true)) {
      String next = outbox.poll();
      if (next == null) {
        writing.set(false);
        continue;
      }
      CompletableFuture<WebSocket> write = socket.sendText(next, true);
      if (write.isDone()) {
        writing.set(false);
        if (write.isCompletedExceptionally()) markClosed(-1);
        continue;
      }
      write.whenComplete(
          (ws, error) -> {
            writing.set(false);
            if (error != null) markClosed(-1);
            else pump();
          });
      return;
    }
  }

  void close() {
    closed = true;
    if (socket != null) socket.abort();
  }

  private void markClosed(int status) {
    if (closed) return;
    closed = true;
    welcome.completeExceptionally(new IllegalStateException("socket closed (" + status + ")"));
    synced.completeExceptionally(new IllegalStateException("socket closed (" + status + ")"));
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
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder parts = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      long at = System.nanoTime();
      if (last && parts.length() == 0) {
        received(data.toString(), at);
      } else {
        parts.append(data);
        if (last) {
          received(parts.toString(), at);
          parts.setLength(0);
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      markClosed(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      markClosed(-1);
    }
  }
}
