package io.parley.bench.chaos;

import io.parley.bench.Frame;
import io.parley.bench.WebSocketWire;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One device of a user in its direct conversation, behaving as the contract asks of a demanding
 * client: it says hello with its cursor, acks what it holds, pages gaps itself, heartbeats, and on
 * a closed socket, a missed pong or a hello that does not finish it reconnects to the next edge (at
 * once, then with backoff while edges refuse) and resends its unacked sends ({@link Outbox}). Every
 * method runs under the device's lock; frames arrive on the selector thread, timers on the shared
 * timer threads.
 */
final class Device {
  // Reconnect backoff while edges refuse or fail: 100 ms doubling to 2 s; the first reconnect
  // after a working connection dropped goes at once.
  private static final Duration BACKOFF_FIRST = Duration.ofMillis(100);
  private static final Duration BACKOFF_MAX = Duration.ofSeconds(2);

  private enum State {
    DOWN,
    CONNECTING,
    HELLO,
    READY,
    STOPPED
  }

  /** One connection: frames and the close of an old one are ignored once it is not current. */
  private final class Link implements WebSocketWire.Listener {
    final int number;
    final InetSocketAddress edge;
    WebSocketWire.Socket socket;
    boolean ended;

    Link(int number, InetSocketAddress edge) {
      this.number = number;
      this.edge = edge;
    }

    @Override
    public void onText(String text, long atNanos) {
      frame(this, Frame.parse(text));
    }

    @Override
    public void onClosed(int status) {
      ended(this, "closed by the edge (" + status + ")");
    }
  }

  final String user;
  final String id;
  final String conv;
  final Outbox outbox;
  final Received received;
  private final String token;
  private final Shared shared;
  private final Map<String, CompletableFuture<Frame>> requests = new HashMap<>();
  private State state = State.DOWN;
  private Link link;
  private int connections;
  private int edgeIndex;
  private int failures;
  private int rids;
  // When the current step of the hello began (the hello, then its welcome), and which step it is.
  private long helloAt;
  private boolean welcomed;
  private long lastPing;
  private long pingOutstandingSince;
  private CompletableFuture<Void> ready = new CompletableFuture<>();
  private String lastDrop = "";
  private String lastError = "";

  Device(String user, String id, String conv, String token, int firstEdge, Shared shared) {
    this.user = user;
    this.id = id;
    this.conv = conv;
    this.token = token;
    this.edgeIndex = firstEdge;
    this.shared = shared;
    this.outbox = new Outbox(this, shared);
    this.received = new Received(this, shared.counters);
  }

  /** Connects (on the connect pool); {@link #ready()} completes once hello is synced. */
  synchronized void start() {
    if (state != State.DOWN) return;
    state = State.CONNECTING;
    shared.connect(this::connect);
  }

  private void connect() {
    Link l;
    synchronized (this) {
      if (state != State.CONNECTING) return;
      l = new Link(++connections, shared.edge(edgeIndex));
      link = l;
    }
    WebSocketWire.Socket socket;
    try {
      socket = shared.wire.open(l.edge, l);
    } catch (IOException e) {
      synchronized (this) {
        if (link == l) failed("connect to " + l.edge + ": " + e.getMessage());
      }
      return;
    }
    synchronized (this) {
      if (link != l || state != State.CONNECTING || l.ended) {
        socket.close();
        if (link == l && state == State.CONNECTING) failed("closed during the upgrade");
        return;
      }
      l.socket = socket;
      lastError = "";
      state = State.HELLO;
      helloAt = lastPing = System.nanoTime();
      welcomed = false;
      pingOutstandingSince = 0;
      String cursors = "{\"" + conv + "\":" + received.highest() + "}";
      write(
          "{\"type\":\"hello\",\"token\":\""
              + token
              + "\",\"device\":\""
              + id
              + "\",\"cursors\":"
              + cursors
              + "}");
    }
  }

  /** A connect or hello failed: the next edge, after a backoff that grows while they fail. */
  private void failed(String why) {
    lastDrop = why;
    failures++;
    edgeIndex++;
    state = State.CONNECTING;
    long delay = Outbox.backoff(BACKOFF_FIRST, BACKOFF_MAX, failures - 1);
    shared.after(Duration.ofMillis(delay), () -> shared.connect(this::connect));
  }

  private synchronized void frame(Link l, Frame f) {
    if (l != link || state == State.STOPPED) return;
    String rid = f.rid();
    if (rid != null) {
      if (rid.startsWith(Outbox.RID_PREFIX)) outbox.answer(f);
      else if (rid.startsWith(Received.RID_PREFIX)) received.paged(f, l.number);
      else {
        CompletableFuture<Frame> request = requests.remove(rid);
        if (request != null) request.complete(f);
      }
      return;
    }
    switch (f.type() == null ? "?" : f.type()) {
      case "msg" -> {
        if (conv.equals(f.conv())) received.pushed(f, l.number);
      }
      case "pong" -> pingOutstandingSince = 0;
      case "welcome" -> {
        // The token check is done; the sync has a wait of its own (a moving conversation).
        if (state == State.HELLO) {
          welcomed = true;
          helloAt = System.nanoTime();
        }
      }
      case "synced" -> {
        state = State.READY;
        failures = 0;
        ready.complete(null);
        outbox.ready();
        received.fillHoles();
      }
      case "error" -> lastError = " (after error " + f.code() + ")";
      default -> {}
    }
  }

  private synchronized void ended(Link l, String why) {
    l.ended = true;
    if (l == link && (state == State.HELLO || state == State.READY)) drop(why);
  }

  /** The current connection is gone: resend elsewhere, at once if it had been working. */
  private void drop(String cause) {
    String why = cause + lastError;
    boolean wasReady = state == State.READY;
    if (link.socket != null) link.socket.close();
    link = null;
    requests.values().forEach(r -> r.completeExceptionally(new IOException(why)));
    requests.clear();
    if (ready.isDone()) ready = new CompletableFuture<>();
    outbox.closed();
    received.closed();
    shared.counters.reconnects.increment();
    if (wasReady) {
      lastDrop = why;
      edgeIndex++;
      state = State.CONNECTING;
      shared.connect(this::connect);
    } else {
      failed(why);
    }
  }

  /** Heartbeat, dead-path and stuck-hello checks, gap paging and expiry; every second or so. */
  synchronized void upkeep() {
    long now = System.nanoTime();
    Timings timings = shared.timings;
    if (state == State.HELLO && now - helloAt > timings.helloTimeout().toNanos()) {
      drop(
          (welcomed ? "no synced within " : "no welcome within ")
              + timings.helloTimeout().toMillis()
              + (welcomed ? " ms of welcome" : " ms of hello"));
    } else if (state == State.READY) {
      if (pingOutstandingSince != 0
          && now - pingOutstandingSince > timings.pongTimeout().toNanos()) {
        drop("missed pong");
      } else if (now - lastPing >= timings.pingEvery().toNanos()) {
        lastPing = now;
        if (pingOutstandingSince == 0) pingOutstandingSince = now;
        write("{\"type\":\"ping\"}");
      }
      if (state == State.READY) received.fillHoles();
    }
    outbox.expire();
  }

  /** Drops the connection on purpose and reconnects with the cursor (the run's final sync). */
  synchronized void resync() {
    if (state == State.HELLO || state == State.READY) drop("resync");
  }

  synchronized CompletableFuture<Void> ready() {
    return ready;
  }

  /** Whether the device holds every entry of its conversation from 1 to {@code last}. */
  synchronized boolean holdsThrough(long last) {
    return received.holdsThrough(last);
  }

  synchronized Records.DeviceLog log() {
    return received.log();
  }

  synchronized boolean isReady() {
    return state == State.READY;
  }

  /** A request on the current connection, answered by its reply (failed if the socket drops). */
  synchronized CompletableFuture<Frame> request(String type, String fields) {
    if (state != State.READY)
      return CompletableFuture.failedFuture(new IOException(name() + " is not connected"));
    String rid = "q" + (++rids);
    CompletableFuture<Frame> reply = new CompletableFuture<>();
    requests.put(rid, reply);
    write("{\"type\":\"" + type + "\",\"rid\":\"" + rid + "\"" + fields + "}");
    return reply;
  }

  /** Writes a frame on the current connection; a failed write drops it (through ended()). */
  void write(String text) {
    if (link != null && link.socket != null) link.socket.send(text);
  }

  /** The edge of the current connection, for the records. */
  String edge() {
    return link == null ? "-" : link.edge.getHostString() + ":" + link.edge.getPort();
  }

  synchronized void stop() {
    state = State.STOPPED;
    if (link != null && link.socket != null) link.socket.close();
    link = null;
  }

  String name() {
    return user + "/" + id;
  }

  synchronized String lastDrop() {
    return lastDrop;
  }
}
