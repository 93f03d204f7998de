package io.parley.edge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import io.parley.testing.Integration;
import io.parley.testing.TestTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The socket layer's ends over TLS, with real sockets and plain flows behind it: a clean end is a
 * close_notify after the last bytes (a client can tell it from a cut), a failed flow is a reset
 * without one, bytes written before the handshake finished still arrive, and a stream that stops
 * reading still holds the client back.
 */
@Integration
class SocketServerTlsTest {
  private static final int BUFFER = 16 * 1024;
  private static ActorSystem<Void> system;
  private static SocketServer server;
  private static final TestTls tls = TestTls.shared();

  @BeforeAll
  static void start() throws Exception {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "socket-server-tls-test",
            ConfigFactory.parseString(
                    "parley.edge.socket-dispatcher { type = Dispatcher, executor = \"io.parley.edge.net.EventLoops$Configurator\", threads = 1 }")
                .withFallback(ConfigFactory.defaultReference()));
    ServerTls serverTls =
        ServerTls.load(
            ServerTls.Settings.from(
                    ConfigFactory.parseMap(tls.nodeSettings())
                        .withFallback(ConfigFactory.parseResourcesAnySyntax("application"))
                        .resolve())
                .orElseThrow());
    server = new SocketServer(system, 1, BUFFER, Duration.ofSeconds(2), serverTls);
  }

  @AfterAll
  static void stop() throws Exception {
    server.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    system.terminate();
  }

  private static SocketServer.Binding bind(
      Function<InetSocketAddress, Flow<ByteString, ByteString, ?>> handler) throws Exception {
    return server.bind("127.0.0.1", 0, 16, handler).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static SSLSocket connect(SocketServer.Binding binding) throws IOException {
    SSLSocket socket =
        (SSLSocket)
            tls.clientContext()
                .getSocketFactory()
                .createSocket("127.0.0.1", binding.localAddress().getPort());
    socket.setSSLParameters(TestTls.offering("TLSv1.3"));
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    return socket;
  }

  @Test
  void aCleanEndIsACloseNotifyAfterTheLastBytes() throws Exception {
    SocketServer.Binding answering =
        bind(
            remote ->
                Flow.of(ByteString.class).take(1).map(bytes -> ByteString.fromString("answer")));
    // Netty's client, which tells a close_notify from a bare end of stream (the JDK's socket
    // takes one for the other unless a JVM-wide property says otherwise).
    NioEventLoopGroup group = new NioEventLoopGroup(1);
    try {
      SslContext context =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.JDK)
              .trustManager(tls.certificate())
              .protocols("TLSv1.3")
              .build();
      StringBuilder received = new StringBuilder();
      AtomicReference<SslHandler> handler = new AtomicReference<>();
      Channel channel =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      handler.set(
                          context.newHandler(
                              ch.alloc(), "127.0.0.1", answering.localAddress().getPort()));
                      ch.pipeline()
                          .addLast(handler.get())
                          .addLast(
                              new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                  ByteBuf bytes = (ByteBuf) msg;
                                  synchronized (received) {
                                    received.append(bytes.toString(StandardCharsets.UTF_8));
                                  }
                                  bytes.release();
                                }
                              });
                    }
                  })
              .connect(answering.localAddress())
              .sync()
              .channel();
      channel.writeAndFlush(Unpooled.copiedBuffer("request", StandardCharsets.UTF_8)).sync();
      Future<Channel> closed = handler.get().sslCloseFuture();
      assertTrue(closed.await(10, TimeUnit.SECONDS), "the node ended the connection");
      assertTrue(closed.isSuccess(), "ended with a close_notify: " + closed.cause());
      synchronized (received) {
        assertEquals("answer", received.toString(), "the last bytes before it");
      }
      channel.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      answering.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void bytesWrittenBeforeTheHandshakeFinishedArriveBeforeTheEnd() throws Exception {
    // As a refused raw TCP connection: its answer and the end are written at once, on accept.
    SocketServer.Binding refusing =
        bind(
            remote ->
                Flow.fromSinkAndSourceCoupled(
                    Sink.ignore(), Source.single(ByteString.fromString("refused"))));
    try (SSLSocket socket = connect(refusing)) {
      assertEquals("refused", new String(socket.getInputStream().readAllBytes()));
    } finally {
      refusing.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailedFlowResetsTheSocketWithoutACloseNotify() throws Exception {
    SocketServer.Binding failing =
        bind(
            remote ->
                Flow.of(ByteString.class)
                    .map(
                        bytes -> {
                          if (bytes.utf8String().contains("boom"))
                            throw new IllegalStateException("boom");
                          return bytes;
                        }));
    try (SSLSocket socket = connect(failing)) {
      socket.getOutputStream().write("boom".getBytes());
      InputStream in = socket.getInputStream();
      assertThrows(IOException.class, () -> in.read(new byte[16]), "a reset, not a clean end");
    } finally {
      failing.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStreamThatStopsReadingHoldsATlsClientBack() throws Exception {
    SocketServer.Binding stuck =
        bind(remote -> Flow.fromSinkAndSourceCoupled(Sink.never(), Source.never()));
    AtomicLong written = new AtomicLong();
    // TLS over a plain socket that the test closes itself: closing the TLS socket would wait for
    // the blocked writer, to send its close_notify.
    try (Socket plain = new Socket("127.0.0.1", stuck.localAddress().getPort())) {
      SSLSocket socket =
          (SSLSocket)
              tls.clientContext()
                  .getSocketFactory()
                  .createSocket(plain, "127.0.0.1", plain.getPort(), true);
      socket.setSSLParameters(TestTls.offering("TLSv1.3"));
      socket.startHandshake();
      Thread writer =
          new Thread(
              () -> {
                byte[] chunk = new byte[16 * 1024];
                try {
                  while (written.get() < 256L * 1024 * 1024) {
                    socket.getOutputStream().write(chunk);
                    written.addAndGet(chunk.length);
                  }
                } catch (IOException closed) {
                  // the socket closed at the end of the test
                }
              },
              "tls-writer");
      writer.setDaemon(true);
      writer.start();
      // Until the writer has made no progress for a second (its writes block: the window is
      // full and stays so). Paced polling of another thread's counter, not a synchronisation.
      long last = -1;
      int still = 0;
      while (still < 20 && written.get() < 256L * 1024 * 1024) {
        TimeUnit.MILLISECONDS.sleep(50);
        long now = written.get();
        still = now == last ? still + 1 : 0;
        last = now;
      }
      assertTrue(
          written.get() < 64L * 1024 * 1024,
          "the client was held back after " + written.get() + " bytes");
    } finally {
      stuck.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
