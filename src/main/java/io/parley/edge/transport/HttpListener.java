package io.parley.edge.transport;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.edge.net.SocketServer;
import io.parley.protocol.ErrorCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLSPlacebo;
import org.apache.pekko.util.ByteString;

/**
 * The edge HTTP port. A connection that opens with a valid WebSocket upgrade on {@code /ws} (what
 * clients and browsers do: a fresh connection per socket) is answered and framed by Parley from its
 * first byte; every other connection is Pekko HTTP's (REST, the web client, and an upgrade arriving
 * later on a kept-alive connection, which still works through the {@code /ws} route).
 *
 * <p>Why not bind Pekko HTTP alone: its per-connection pipeline (parser, renderer, ~30 stages)
 * stays materialized under an upgraded socket for the socket's whole life, which doubled the memory
 * of an idle WebSocket (docs/benchmarks.md).
 *
 * <p>Every connection takes a slot of {@link ConnectionCaps} first. Over a cap, its first request
 * is answered 503 with Retry-After (before any upgrade: a WebSocket client sees an HTTP status it
 * can act on) and the connection is closed.
 */
public final class HttpListener {
  // How many bytes are held back to recognise the upgrade. Not a limit: a longer head is simply
  // Pekko HTTP's to serve, under its own parsing limits.
  private static final int MAX_SNIFFED_HEAD_BYTES = 8192;

  private final ActorSystem<?> system;
  private final WebSocketTransport webSocket;
  private final Flow<HttpRequest, HttpResponse, NotUsed> routes;
  private final ServerSettings settings;
  private final Optional<Duration> idleTimeout;
  private final ConnectionCaps caps;
  // One stage for every connection: a stage instance keeps its blueprint (module, shape, ports,
  // attributes) for as long as a socket runs it, ~0.3 KB each if made per connection.
  private final FirstRequestHead sniffHead;

  private HttpListener(
      ActorSystem<?> system,
      WebSocketTransport webSocket,
      Flow<HttpRequest, HttpResponse, NotUsed> routes,
      ConnectionCaps caps) {
    this.system = system;
    this.webSocket = webSocket;
    this.routes = routes;
    this.caps = caps;
    this.sniffHead =
        new FirstRequestHead(MAX_SNIFFED_HEAD_BYTES, caps.limits().requestHeadTimeout(), false);
    this.settings = ServerSettings.create(Adapter.toClassic(system));
    scala.concurrent.duration.Duration idle = settings.getTimeouts().idleTimeout();
    this.idleTimeout =
        idle.isFinite() ? Optional.of(Duration.ofNanos(idle.toNanos())) : Optional.empty();
  }

  public static CompletionStage<SocketServer.Binding> bind(
      SocketServer server,
      ActorSystem<?> system,
      String host,
      int port,
      int backlog,
      WebSocketTransport webSocket,
      Flow<HttpRequest, HttpResponse, NotUsed> routes,
      ConnectionCaps caps) {
    HttpListener listener = new HttpListener(system, webSocket, routes, caps);
    return server.bind(host, port, backlog, listener::connection);
  }

  private Flow<ByteString, ByteString, NotUsed> connection(InetSocketAddress remote) {
    EdgeLimits limits = caps.limits();
    InetAddress from = remote.getAddress();
    ConnectionCaps.Refusal refusal = caps.tryOpen(from);
    if (refusal != null) return refused(refusal);
    Flow<ByteString, ByteString, NotUsed> served =
        Flow.of(ByteString.class)
            .via(sniffHead)
            .flatMapPrefix(1, first -> serverFor(first, remote));
    return SocketGuard.create(limits.writeStallTimeout(), () -> caps.closed(from)).join(served);
  }

  /**
   * Answers 503 and closes. Waits for the whole first request head first (a response sent while the
   * client is still writing could be lost to the reset that closing on unread bytes causes), unless
   * too many refusals wait already: then at once.
   */
  private Flow<ByteString, ByteString, NotUsed> refused(ConnectionCaps.Refusal refusal) {
    String body =
        JsonNodeFactory.instance
            .objectNode()
            .put("error", ErrorCode.UNAVAILABLE.wire())
            .put("message", caps.message(refusal))
            .toString();
    byte[] json = body.getBytes(StandardCharsets.UTF_8);
    ByteString answer =
        ByteString.fromString(
                "HTTP/1.1 503 Service Unavailable\r\n"
                    + "Retry-After: "
                    + caps.limits().retryAfterSeconds()
                    + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: "
                    + json.length
                    + "\r\n"
                    + "Connection: close\r\n\r\n",
                StandardCharsets.US_ASCII)
            .concat(ByteString.fromArrayUnsafe(json));
    if (!caps.tryWaitToRefuse())
      return Flow.fromSinkAndSourceCoupled(Sink.ignore(), Source.single(answer));
    Flow<ByteString, ByteString, NotUsed> afterHead =
        Flow.of(ByteString.class)
            .via(
                new FirstRequestHead(
                    MAX_SNIFFED_HEAD_BYTES, caps.limits().requestHeadTimeout(), true))
            .take(1)
            .map(head -> answer);
    return SocketGuard.create(caps.limits().writeStallTimeout(), caps::refusalDone).join(afterHead);
  }

  private Flow<ByteString, ByteString, NotUsed> serverFor(
      List<ByteString> first, InetSocketAddress remote) {
    ByteString head = first.isEmpty() ? ByteString.emptyByteString() : first.get(0);
    WebSocketHandshake.Upgrade upgrade = WebSocketHandshake.parse(head);
    if (upgrade != null) {
      // compact: what follows the head is usually nothing; a slice would pin the head's bytes.
      ByteString pending = head.drop(upgrade.headLength()).compact();
      return webSocket.flow(upgrade.subprotocol(), upgrade.response(), pending);
    }
    Flow<ByteString, ByteString, NotUsed> http = httpStack(remote).join(routes);
    return head.isEmpty() ? http : Flow.of(ByteString.class).prepend(Source.single(head)).via(http);
  }

  /** What Pekko HTTP's own binding runs per connection: its server layer over plain bytes. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private BidiFlow<ByteString, HttpRequest, HttpResponse, ByteString, NotUsed> httpStack(
      InetSocketAddress remote) {
    BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, NotUsed>
        plain = (BidiFlow) TLSPlacebo.getInstance();
    BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed> stack =
        Http.get(system).serverLayer(settings, Optional.of(remote)).atop(plain);
    if (idleTimeout.isPresent())
      stack = stack.atop(BidiFlow.bidirectionalIdleTimeout(idleTimeout.get()));
    return stack.reversed();
  }
}
