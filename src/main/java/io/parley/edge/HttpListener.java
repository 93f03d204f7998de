package io.parley.edge;

import java.net.InetSocketAddress;
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
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * The edge HTTP port. A connection that opens with a valid WebSocket upgrade on {@code /ws} (what
 * clients and browsers do: a fresh connection per socket) is answered and framed by Parley from
 * its first byte; every other connection is Pekko HTTP's (REST, the web client, and an upgrade
 * arriving later on a kept-alive connection, which still works through the {@code /ws} route).
 *
 * <p>Why not bind Pekko HTTP alone: its per-connection pipeline (parser, renderer, ~30 stages)
 * stays materialized under an upgraded socket for the socket's whole life, which doubled the
 * memory of an idle WebSocket (docs/benchmarks.md).
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
  private final Duration requestHeadTimeout;
  private final Duration writeStallTimeout;

  private HttpListener(
      ActorSystem<?> system,
      WebSocketTransport webSocket,
      Flow<HttpRequest, HttpResponse, NotUsed> routes,
      Duration requestHeadTimeout,
      Duration writeStallTimeout) {
    this.system = system;
    this.webSocket = webSocket;
    this.routes = routes;
    this.requestHeadTimeout = requestHeadTimeout;
    this.writeStallTimeout = writeStallTimeout;
    this.settings = ServerSettings.create(Adapter.toClassic(system));
    scala.concurrent.duration.Duration idle = settings.getTimeouts().idleTimeout();
    this.idleTimeout = idle.isFinite() ? Optional.of(Duration.ofNanos(idle.toNanos())) : Optional.empty();
  }

  public static CompletionStage<Tcp.ServerBinding> bind(
      ActorSystem<?> system,
      String host,
      int port,
      int backlog,
      WebSocketTransport webSocket,
      Flow<HttpRequest, HttpResponse, NotUsed> routes,
      Duration requestHeadTimeout,
      Duration writeStallTimeout) {
    HttpListener listener = new HttpListener(system, webSocket, routes, requestHeadTimeout, writeStallTimeout);
    return Tcp.get(system)
        .bind(host, port, backlog, List.of(), false, Optional.empty())
        .to(Sink.foreach(c -> c.handleWith(listener.connection(c.remoteAddress()), system)))
        .run(system);
  }

  private Flow<ByteString, ByteString, NotUsed> connection(InetSocketAddress remote) {
    Flow<ByteString, ByteString, NotUsed> served =
        Flow.of(ByteString.class)
            .via(new FirstRequestHead(MAX_SNIFFED_HEAD_BYTES, requestHeadTimeout, false))
            .flatMapPrefix(1, first -> serverFor(first, remote));
    return SocketGuard.create(writeStallTimeout, () -> {}).join(served);
  }

  private Flow<ByteString, ByteString, NotUsed> serverFor(List<ByteString> first, InetSocketAddress remote) {
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
  private BidiFlow<ByteString, HttpRequest, HttpResponse, ByteString, NotUsed> httpStack(InetSocketAddress remote) {
    BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, NotUsed> plain =
        (BidiFlow) TLSPlacebo.getInstance();
    BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed> stack =
        Http.get(system).serverLayer(settings, Optional.of(remote)).atop(plain);
    if (idleTimeout.isPresent()) stack = stack.atop(BidiFlow.bidirectionalIdleTimeout(idleTimeout.get()));
    return stack.reversed();
  }
}
