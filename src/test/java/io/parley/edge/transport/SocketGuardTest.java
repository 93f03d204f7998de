package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The guard between a socket and its server, with the socket played by hand: its read side is a
 * source whose cancellation is watched (a failed cancellation is what makes the socket layer,
 * edge.net.ChannelStages, reset the connection), its write side a subscriber that takes bytes only
 * when told to.
 */
class SocketGuardTest {
  private static final Duration STALL = Duration.ofMillis(300);
  private static final ByteString A = ByteString.fromString("a");
  private static final ByteString B = ByteString.fromString("b");
  private static ActorSystem<Void> system;

  @BeforeAll
  static void start() {
    // Pekko's defaults only: Parley's application.conf would make this a cluster node that exits
    // the JVM when it terminates.
    system =
        ActorSystem.create(
            Behaviors.empty(), "socket-guard-test", ConfigFactory.defaultReference());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void bytesTheSocketDoesNotTakeResetItAfterTheStallTimeout() throws Exception {
    Socket socket = Socket.connect(Source.from(List.of(A, B)).concat(Source.never()));
    socket.take(1);
    assertEquals(A, socket.writes.poll(5, TimeUnit.SECONDS));
    // B waits: the socket never asks for more.
    assertInstanceOf(SocketGuard.WriteStalled.class, socket.resetCause());
    assertInstanceOf(
        SocketGuard.WriteStalled.class,
        socket.writes.poll(5, TimeUnit.SECONDS),
        "the write side fails too");
    assertTrue(socket.ended.await(5, TimeUnit.SECONDS), "onEnd ran");
  }

  @Test
  void aCloseThatIsNotWrittenInTimeResetsTheSocket() throws Exception {
    Socket socket = Socket.connect(Source.single(A));
    socket.take(1);
    assertEquals(A, socket.writes.poll(5, TimeUnit.SECONDS));
    assertEquals(
        Socket.COMPLETE, socket.writes.poll(5, TimeUnit.SECONDS), "the end is passed on at once");
    // The socket never closes (a real one does once it has written all): the close waits too long.
    assertInstanceOf(SocketGuard.WriteStalled.class, socket.resetCause());
  }

  @Test
  void aSocketThatKeepsUpIsNeverResetAndClosesNormally() throws Exception {
    Source<ByteString, NotUsed> slowServer =
        Source.range(1, 6).throttle(1, STALL.dividedBy(2)).map(i -> ByteString.fromString("m" + i));
    Socket socket = Socket.connect(slowServer);
    socket.take(Long.MAX_VALUE);
    for (int i = 1; i <= 6; i++)
      assertEquals(ByteString.fromString("m" + i), socket.writes.poll(5, TimeUnit.SECONDS));
    assertEquals(Socket.COMPLETE, socket.writes.poll(5, TimeUnit.SECONDS));
    socket.closeReadSide();
    socket.readSide.toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertTrue(socket.ended.await(5, TimeUnit.SECONDS), "onEnd ran");
  }

  @Test
  void aServerThatStopsReadingStillGetsItsLastBytesOut() throws Exception {
    // The server cancels its input at once but writes on: the socket's read side stays open
    // (cancelling it would close the socket under the writes), and every byte goes out.
    Socket socket =
        Socket.connect(
            Flow.of(ByteString.class).take(0).to(Sink.ignore()), Source.from(List.of(A, B)));
    socket.take(Long.MAX_VALUE);
    assertEquals(A, socket.writes.poll(5, TimeUnit.SECONDS));
    assertEquals(B, socket.writes.poll(5, TimeUnit.SECONDS));
    assertEquals(Socket.COMPLETE, socket.writes.poll(5, TimeUnit.SECONDS));
    assertFalse(socket.readSide.toCompletableFuture().isDone(), "the read side was not cancelled");
    socket.closeReadSide();
    socket.readSide.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** A socket played by hand around a server that ignores its input and writes {@code out}. */
  private static final class Socket implements Subscriber<ByteString> {
    static final Object COMPLETE = "complete";
    final LinkedBlockingQueue<Object> writes = new LinkedBlockingQueue<>();
    final CountDownLatch ended = new CountDownLatch(1);
    final CompletableFuture<Subscription> subscription = new CompletableFuture<>();
    CompletionStage<Done> readSide;
    CompletableFuture<Optional<ByteString>> readEnd;

    static Socket connect(Source<ByteString, NotUsed> out) {
      return connect(Sink.ignore(), out);
    }

    static Socket connect(Sink<ByteString, ?> in, Source<ByteString, NotUsed> out) {
      return new Socket().run(Flow.fromSinkAndSource(in, out));
    }

    private Socket run(Flow<ByteString, ByteString, NotUsed> server) {
      Pair<Pair<CompletableFuture<Optional<ByteString>>, CompletionStage<Done>>, NotUsed> mat =
          Source.<ByteString>maybe()
              .watchTermination(Keep.both())
              .viaMat(SocketGuard.create(STALL, ended::countDown).join(server), Keep.both())
              .to(Sink.fromSubscriber(this))
              .run(system);
      readEnd = mat.first().first();
      readSide = mat.first().second();
      return this;
    }

    /** Asks for n more bytes strings, as a socket does when it has written the last. */
    void take(long n) {
      subscription.join().request(n);
    }

    /** The peer closed: the read side ends. */
    void closeReadSide() {
      readEnd.complete(Optional.empty());
    }

    /** How the guard cancelled the read side (a failure is what resets a TCP socket). */
    Throwable resetCause() throws Exception {
      try {
        readSide
            .toCompletableFuture()
            .get(STALL.multipliedBy(10).toMillis(), TimeUnit.MILLISECONDS);
        throw new AssertionError("the read side was cancelled without a failure");
      } catch (ExecutionException e) {
        return e.getCause();
      }
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription.complete(s);
    }

    @Override
    public void onNext(ByteString bytes) {
      writes.add(bytes);
    }

    @Override
    public void onError(Throwable t) {
      writes.add(t);
    }

    @Override
    public void onComplete() {
      writes.add(COMPLETE);
    }
  }
}
