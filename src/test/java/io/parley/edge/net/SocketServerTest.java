package io.parley.edge.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.parley.testing.Integration;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.SinkShape;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edge's socket layer with real sockets and plain flows behind it: bytes both ways in order, a
 * clean end (FIN) and a failed one (RST), and a stream that stops taking bytes holding the client
 * back instead of the node's memory.
 */
@Integration
class SocketServerTest {
  private static final int BUFFER = 16 * 1024;
  private static ActorSystem<Void> system;
  private static SocketServer server;

  @BeforeAll
  static void start() {
    // Pekko's defaults and the socket dispatcher only: Parley's application.conf would make this a
    // cluster node.
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "socket-server-test",
            ConfigFactory.parseString(
                    "parley.edge.socket-dispatcher { type = Dispatcher, executor = \"io.parley.edge.net.EventLoops$Configurator\", threads = 1 }")
                .withFallback(ConfigFactory.defaultReference()));
    server = new SocketServer(system, 1, BUFFER, java.time.Duration.ofSeconds(2));
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

  private static Socket connect(SocketServer.Binding binding) throws IOException {
    Socket socket = new Socket("127.0.0.1", binding.localAddress().getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  @Test
  void echoesMegabytesInOrderAndClosesCleanlyWhenTheFlowEnds() throws Exception {
    byte[] sent = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(sent);
    // Echo what the client sends, then, once all of it is back, one last word and the flow's end.
    SocketServer.Binding echo =
        bind(
            remote -> {
              AtomicLong seen = new AtomicLong();
              return Flow.of(ByteString.class)
                  .takeWhile(bytes -> seen.addAndGet(bytes.size()) < sent.length, true)
                  .concat(Source.single(ByteString.fromString("bye")));
            });
    try (Socket socket = connect(echo)) {
      CompletableFuture<Void> writing =
          CompletableFuture.runAsync(
              () -> {
                try {
                  socket.getOutputStream().write(sent);
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] back = new byte[sent.length];
      in.readFully(back);
      writing.get(10, TimeUnit.SECONDS);
      byte[] last = in.readAllBytes(); // up to the FIN
      assertArrayEquals(sent, back);
      assertEquals("bye", new String(last));
    } finally {
      echo.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCleanCloseLingersSoBytesStillInFlightDoNotResetTheConnection() throws Exception {
    // Answers the first bytes and ends, as an HTTP server does with Connection: close.
    SocketServer.Binding answering =
        bind(
            remote ->
                Flow.of(ByteString.class).take(1).map(bytes -> ByteString.fromString("answer")));
    try (Socket socket = connect(answering)) {
      socket.getOutputStream().write("request".getBytes());
      InputStream in = socket.getInputStream();
      assertEquals("answer", new String(in.readAllBytes()), "the answer, then the node's FIN");
      // The rest of a request body, say, still arriving after the node has closed its side. A
      // socket closed outright answers it with a reset (which, arriving earlier, can destroy an
      // answer the client has not read yet) and this client's next write fails; a lingering one
      // reads and drops it.
      socket.getOutputStream().write(new byte[64 * 1024]);
      socket.getOutputStream().write(new byte[64 * 1024]);
    } finally {
      answering.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailedFlowResetsTheSocket() throws Exception {
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
    try (Socket socket = connect(failing)) {
      socket.getOutputStream().write("boom".getBytes());
      InputStream in = socket.getInputStream();
      assertThrows(
          SocketException.class, () -> in.read(new byte[16]), "a reset, not a clean end of stream");
    } finally {
      failing.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStreamThatStopsReadingHoldsTheClientBackNotTheNodesMemory() throws Exception {
    // The flow takes nothing: every byte the client manages to write waits in the kernel's
    // buffers or in the socket's bounded read-ahead, until the client cannot write any more.
    AtomicReference<Boolean> opened = new AtomicReference<>(false);
    SocketServer.Binding stuck =
        bind(
            remote -> {
              opened.set(true);
              return Flow.fromSinkAndSourceCoupled(
                  Sink.fromGraph(new NeverPulls()), Source.never());
            });
    try (SocketChannel client =
        SocketChannel.open(new InetSocketAddress("127.0.0.1", stuck.localAddress().getPort()))) {
      client.configureBlocking(false);
      ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
      long written = 0;
      int refusedInARow = 0;
      // Until the client's writes have been refused for a while (the window is full and stays so).
      while (refusedInARow < 200 && written < 256L * 1024 * 1024) {
        chunk.clear();
        int n = client.write(chunk);
        written += n;
        refusedInARow = n == 0 ? refusedInARow + 1 : 0;
        // Paced polling of a non-blocking write (1 s of refusals in all), not a synchronisation.
        if (n == 0) TimeUnit.MILLISECONDS.sleep(5);
      }
      assertTrue(opened.get());
      // Loopback's socket buffers can take several MB; what matters is that it stops, far below
      // what the client would send.
      assertTrue(
          written < 64L * 1024 * 1024, "the client was held back after " + written + " bytes");
    } finally {
      stuck.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** A sink that never asks for an element. */
  private static final class NeverPulls extends GraphStage<SinkShape<ByteString>> {
    private final Inlet<ByteString> in = Inlet.create("never.in");
    private final SinkShape<ByteString> shape = SinkShape.of(in);

    @Override
    public SinkShape<ByteString> shape() {
      return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
      return new GraphStageLogic(shape) {
        {
          setHandler(
              in,
              new AbstractInHandler() {
                @Override
                public void onPush() {}
              });
        }
      };
    }
  }
}
