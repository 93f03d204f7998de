package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.parley.edge.requests.Requests;
import io.parley.edge.session.SessionMessages.Filled;
import io.parley.edge.transport.Outbox;
import io.parley.node.ParleyConfig;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.push.SessionMessage;
import io.parley.timeline.Entry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Journal reads that fail at first (a driver timeout while a node restarts) are asked again, so a
 * connection still gets every entry in order: a live push after a gap, in a conversation the
 * session tracks from the client's cursor (7), waits while the gap is read and goes out after it
 * (in ./parley chaos's rolling restart a failed read let seq 19 out to a device holding 7), and a
 * hello's catch-up comes whole. A gap that cannot be read at all is never skipped: the session
 * gives up and ends the connection instead. A hello whose states never come still tracks the
 * client's cursors. Stand-in sessions run the real HelloSync, OrderedDelivery, GapFills and
 * PatientReads against a journal that fails on demand.
 */
class FailedJournalReadsTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final String CONV = "d:ann:bob";
  private static final long CURSOR = 7;

  /** The live entry the stand-in session is pushed. */
  private record Push(Entry entry) implements SessionMessage {}

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void aPushAfterAGapWaitsUntilTheGapIsReadThoughTheFirstReadsFail() {
    Journal journal = new Journal(2);
    TestProbe<Object> socket = KIT.createTestProbe();
    ActorRef<SessionMessage> session = synced(journal, settings(Map.of()), socket);

    session.tell(new Push(entry(19)));

    // 8..18 were missed live; they come first, in order, then 19: no gap on the socket.
    for (long seq = CURSOR + 1; seq <= 19; seq++) socket.expectMessage(Duration.ofSeconds(10), seq);
    assertEquals(List.of("8..18", "8..18", "8..18"), journal.reads(), "failed reads asked again");
    session.tell(new Push(entry(20)));
    socket.expectMessage(20L);
  }

  @Test
  void aGapThatCannotBeReadWithinPatienceEndsTheConnectionRatherThanBeSkipped() {
    Journal journal = new Journal(Integer.MAX_VALUE);
    TestProbe<Object> socket = KIT.createTestProbe();
    ActorRef<SessionMessage> session =
        synced(journal, settings(Map.of("parley.session.sync-patience", "1s")), socket);

    session.tell(new Push(entry(19)));

    // Nothing of the conversation is written first: 19 after 7 would be a gap.
    socket.expectMessage(Duration.ofSeconds(10), GapFills.GAVE_UP);
    // Asked again (after 250 ms, then 500 ms more) until the next wait would pass the patience.
    assertTrue(journal.reads().size() > 1, journal.reads().toString());
  }

  @Test
  void aCatchUpWhoseFirstReadsFailComesWholeBeforeSynced() {
    Journal journal = new Journal(2);
    TestProbe<Object> socket = KIT.createTestProbe();
    // The device holds up to 7 of a conversation at 18.
    ServerFrame.ConvState state =
        new ServerFrame.ConvState(CONV, "direct", null, 18, 7, 11, null, null);
    session(journal, settings(Map.of()), socket, () -> answered(List.of(state)));

    socket.expectMessage(state);
    for (long seq = CURSOR + 1; seq <= 18; seq++) socket.expectMessage(Duration.ofSeconds(10), seq);
    socket.expectMessage(new ServerFrame.Synced());
    assertEquals(List.of("8..18", "8..18", "8..18"), journal.reads(), "failed reads asked again");
  }

  @Test
  void aHelloWhoseStatesNeverComeStillFillsAGapFromTheClientsCursor() {
    Journal journal = new Journal(0);
    TestProbe<Object> socket = KIT.createTestProbe();
    ActorRef<SessionMessage> session =
        session(
            journal,
            settings(Map.of("parley.session.sync-patience", "1s")),
            socket,
            () -> CompletableFuture.failedFuture(new IllegalStateException("ask timed out")));
    socket.expectMessage(
        Duration.ofSeconds(10),
        ServerFrame.Error.of(
            null, ErrorCode.UNAVAILABLE, "could not load your conversations; reconnect"));
    socket.expectMessage(new ServerFrame.Synced());

    session.tell(new Push(entry(19)));

    for (long seq = CURSOR + 1; seq <= 19; seq++) socket.expectMessage(Duration.ofSeconds(10), seq);
  }

  /** A session synced at once, the conversation tracked from the client's cursor. */
  private static ActorRef<SessionMessage> synced(
      Journal journal, SessionSettings settings, TestProbe<Object> socket) {
    ActorRef<SessionMessage> session =
        session(journal, settings, socket, () -> answered(List.of()));
    socket.expectMessage(new ServerFrame.Synced());
    return session;
  }

  /** The user's states as the user entity would answer, with the client's cursor. */
  private static CompletionStage<Requests.Sync> answered(List<ServerFrame.ConvState> states) {
    return CompletableFuture.completedFuture(new Requests.Sync(states, Map.of(CONV, CURSOR)));
  }

  /**
   * A session that said hello with cursor 7 in CONV, its states asked with {@code sync}: its hello
   * sync, ordered delivery and gap fills. What it writes goes to socket (entries as their seq), and
   * its giving up on a gap.
   */
  private static ActorRef<SessionMessage> session(
      Journal journal,
      SessionSettings settings,
      TestProbe<Object> socket,
      Supplier<CompletionStage<Requests.Sync>> sync) {
    Outbox out = new Outbox();
    // Only its room is asked for: nothing is written to it, and nothing reads it.
    out.attach(
        Source.<ByteString>queue(settings.outboundBuffer()).to(Sink.ignore()).run(KIT.system()),
        null,
        settings.outboundBufferBytes());
    SessionDeps deps =
        new SessionDeps(
            settings, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null);
    return KIT.spawn(
        Behaviors.<SessionMessage>setup(
            ctx ->
                Behaviors.withTimers(
                    timers -> {
                      PatientReads reads =
                          new PatientReads(
                              journal,
                              ctx.getSystem().scheduler(),
                              ctx.getSystem().executionContext());
                      GapFills fills = new GapFills(ctx, reads, settings);
                      OrderedDelivery delivery =
                          new OrderedDelivery(
                              "bob",
                              e -> socket.ref().tell(e.seq()),
                              fills,
                              settings.catchUpMax(),
                              conv -> false);
                      HelloSync hello =
                          new HelloSync(
                              deps,
                              ctx,
                              timers,
                              out,
                              delivery,
                              reads,
                              frame -> socket.ref().tell(frame),
                              (conv, seq) -> {});
                      hello.start(Map.of(CONV, CURSOR), sync);
                      boolean[] syncing = {true};
                      return Behaviors.receive(SessionMessage.class)
                          .onMessage(
                              HelloSync.Message.class,
                              m -> {
                                if (syncing[0] && hello.on(m)) syncing[0] = false;
                                return Behaviors.same();
                              })
                          .onMessage(
                              Push.class,
                              p -> {
                                if (syncing[0]) hello.hold(p.entry());
                                else delivery.offer(p.entry());
                                return Behaviors.same();
                              })
                          .onMessage(
                              Filled.class,
                              f -> {
                                if (!fills.filled(delivery, f)) socket.ref().tell(GapFills.GAVE_UP);
                                return Behaviors.same();
                              })
                          .build();
                    })));
  }

  private static SessionSettings settings(Map<String, Object> overrides) {
    return SessionSettings.from(ParleyConfig.load(ConfigFactory.parseMap(overrides)));
  }

  private static Entry entry(long seq) {
    return new Entry(CONV, seq, "ann", "c" + seq, "text", null, seq);
  }

  /** The conversation's journal: every seq is stored, but the first {@code failures} reads fail. */
  private static final class Journal implements PatientReads.Reader {
    private final AtomicInteger failures;
    private final List<String> reads = new ArrayList<>();

    Journal(int failures) {
      this.failures = new AtomicInteger(failures);
    }

    @Override
    public synchronized CompletionStage<List<Entry>> read(String conv, long from, long to) {
      reads.add(from + ".." + to);
      if (failures.getAndDecrement() > 0) {
        return CompletableFuture.failedFuture(new IllegalStateException("read timed out"));
      }
      return CompletableFuture.completedFuture(
          LongStream.rangeClosed(from, to).mapToObj(FailedJournalReadsTest::entry).toList());
    }

    synchronized List<String> reads() {
      return List.copyOf(reads);
    }
  }
}
