package io.parley.edge.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The edge's sockets, on Netty event loops instead of Pekko IO: each connection runs the same byte
 * flow Pekko's {@code Tcp.bind} would run, but a socket is read while its stream keeps up, without
 * re-arming its read interest (a selector wake-up and a system call) after every read, and without
 * a connection actor between the socket and its stream. What the stream writes in one burst goes
 * out in one flush. docs/benchmarks.md has the measured difference.
 */
public final class SocketServer {
  /** Where the sockets' streams and connection actors run: on the sockets' own threads. */
  public static final String DISPATCHER = "parley.edge.socket-dispatcher";

  private final ActorSystem.Settings system;
  private final EventLoopGroup loops;
  private final Materializer materializer;
  private final int maxBufferedBytes;
  private final Duration linger;
  // Null: plaintext.
  private final ServerTls tls;

  /**
   * {@code threads}: the event loops (each socket stays on one); {@code maxBufferedBytes}: what a
   * socket may hold read and not yet taken by its stream, and handed over and not yet written;
   * {@code linger}: how long a socket that was closed cleanly waits for its client to close too.
   */
  public SocketServer(
      org.apache.pekko.actor.typed.ActorSystem<?> system,
      int threads,
      int maxBufferedBytes,
      Duration linger) {
    this(system, threads, maxBufferedBytes, linger, null);
  }

  /**
   * With {@code tls} (null: none), every port this server binds speaks TLS: its handler is first in
   * each socket's pipeline, and its keystore is watched for a renewed certificate.
   */
  public SocketServer(
      org.apache.pekko.actor.typed.ActorSystem<?> system,
      int threads,
      int maxBufferedBytes,
      Duration linger,
      ServerTls tls) {
    this.system = Adapter.toClassic(system).settings();
    this.loops = EventLoops.of(this.system, threads);
    this.materializer = Materializer.matFromSystem(system);
    this.maxBufferedBytes = maxBufferedBytes;
    this.linger = linger;
    this.tls = tls;
    if (tls != null) tls.watch(system);
  }

  /** Whether the ports speak TLS. */
  public boolean tls() {
    return tls != null;
  }

  /** Whether the sockets run on Linux's epoll (else on the JDK's selector). */
  public boolean epoll() {
    return EventLoops.epoll();
  }

  /** A bound port. */
  public interface Binding {
    InetSocketAddress localAddress();

    /** Stops accepting; connections already open stay. */
    CompletionStage<Done> unbind();
  }

  /** Binds {@code host:port}; each accepted socket runs {@code handler}'s flow for its address. */
  public CompletionStage<Binding> bind(
      String host,
      int port,
      int backlog,
      Function<InetSocketAddress, Flow<ByteString, ByteString, ?>> handler) {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(loops)
            .channel(
                EventLoops.epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, backlog)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(maxBufferedBytes / 2, maxBufferedBytes))
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    ChannelPipe pipe = new ChannelPipe(channel, maxBufferedBytes, linger);
                    if (tls != null) channel.pipeline().addLast(tls.newHandler());
                    channel.pipeline().addLast(pipe);
                    Source.fromGraph(new ChannelStages.Reads(pipe))
                        .via(handler.apply((InetSocketAddress) channel.remoteAddress()))
                        .to(Sink.fromGraph(new ChannelStages.Writes(pipe)))
                        .withAttributes(ActorAttributes.dispatcher(DISPATCHER))
                        .run(materializer);
                  }
                });
    CompletableFuture<Binding> bound = new CompletableFuture<>();
    ChannelFuture future = bootstrap.bind(host, port);
    future.addListener(
        f -> {
          if (!f.isSuccess()) {
            bound.completeExceptionally(f.cause());
            return;
          }
          Channel server = future.channel();
          bound.complete(
              new Binding() {
                @Override
                public InetSocketAddress localAddress() {
                  return (InetSocketAddress) server.localAddress();
                }

                @Override
                public CompletionStage<Done> unbind() {
                  CompletableFuture<Done> closed = new CompletableFuture<>();
                  server.close().addListener(c -> closed.complete(Done.getInstance()));
                  return closed;
                }
              });
        });
    return bound;
  }

  /** Closes every socket still open and stops the event loops. */
  public CompletionStage<Done> shutdown() {
    CompletableFuture<Done> done = new CompletableFuture<>();
    loops.terminationFuture().addListener(f -> done.complete(Done.getInstance()));
    EventLoops.shutdown(system, linger);
    return done;
  }
}
