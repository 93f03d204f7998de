package io.parley.edge.session;

import io.parley.edge.requests.Requests;
import io.parley.edge.transport.Outbox;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.push.SessionMessage;
import io.parley.timeline.Entry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A session's hello sync, from the user's conversation states to {@code synced}: the conv_state
 * frames and the catch-up ({@link CatchUp}) are written at the socket's pace, below half of its
 * outbox and woken as it drains, and live entries that arrive meanwhile wait ({@link HeldPushes})
 * so they cannot overtake the catch-up. States that do not come in time (an entity's shard moving
 * after a core node crashed) are asked for again with {@link Patience}, and so are catch-up pages
 * whose journal read fails ({@link PatientReads}), within the same patience. Owned by one session
 * actor; done once {@link #on} says so.
 */
final class HelloSync {
  /** What the session hands over to the sync. */
  sealed interface Message extends Connection.Command {}

  record Synced(Requests.Sync sync, Throwable failure) implements Message {}

  /** A page of the catch-up, read from the journal (failed: not even after asking again). */
  record CaughtUp(List<Entry> entries, Throwable failure) implements Message {}

  /** Time to ask for the conversation states again. */
  enum SyncAgain implements Message {
    INSTANCE
  }

  /** The outbox drained below its low-water mark: the sync may write on. */
  enum RoomToSync implements Message {
    INSTANCE
  }

  private final SessionDeps deps;
  private final ActorContext<SessionMessage> ctx;
  private final TimerScheduler<SessionMessage> timers;
  private final Outbox out;
  private final OrderedDelivery delivery;
  private final PatientReads reads;
  private final Consumer<ServerFrame> write;
  private final BiConsumer<String, Long> seen;
  private final HeldPushes held;
  private CatchUp catchUp;
  private List<String> cutShort = List.of();
  private Map<String, Long> clientCursors = Map.of();
  private Runnable ask;
  private Patience patience;

  /** {@code seen}: told each conversation's last seq, as the session learns it. */
  HelloSync(
      SessionDeps deps,
      ActorContext<SessionMessage> ctx,
      TimerScheduler<SessionMessage> timers,
      Outbox out,
      OrderedDelivery delivery,
      PatientReads reads,
      Consumer<ServerFrame> write,
      BiConsumer<String, Long> seen) {
    this.deps = deps;
    this.ctx = ctx;
    this.timers = timers;
    this.out = out;
    this.delivery = delivery;
    this.reads = reads;
    this.write = write;
    this.seen = seen;
    SessionSettings s = deps.settings();
    this.held = new HeldPushes(s.outboundBuffer(), s.outboundBufferBytes());
  }

  /** Asks for the user's conversation states, which {@link #on} then writes. */
  void start(String user, String device, Map<String, Long> cursors) {
    start(cursors, () -> deps.requests().sync(user, device, cursors));
  }

  /**
   * Starts with {@code sync} asking for the states (again, with patience, if it fails); {@code
   * cursors} are the client's.
   */
  void start(Map<String, Long> cursors, Supplier<CompletionStage<Requests.Sync>> sync) {
    clientCursors = cursors;
    ask = () -> ctx.pipeToSelf(sync.get(), Synced::new);
    patience = new Patience(deps.settings(), System.nanoTime());
    ask.run();
  }

  /** A live entry that must wait for the sync. */
  void hold(Entry e) {
    held.hold(e);
  }

  /** Entries of conv up to seq that may have missed this session: read once the sync is done. */
  void owe(String conv, long seq) {
    held.owe(conv, seq);
  }

  /** Handles one of the sync's messages; true once {@code synced} is written. */
  boolean on(Message m) {
    if (m instanceof Synced s) return started(s);
    if (m == SyncAgain.INSTANCE) {
      ask.run();
      return false;
    }
    if (m instanceof CaughtUp c) {
      if (catchUp == null) return false;
      if (c.failure() != null) error("could not read all of your catch-up; page history");
      catchUp.read(c.failure() == null ? c.entries() : List.of());
    }
    return pump();
  }

  private boolean started(Synced m) {
    if (m.failure() != null) {
      Duration wait = patience.retryAfter(System.nanoTime());
      if (wait != null) {
        timers.startSingleTimer(SyncAgain.INSTANCE, wait);
        return false;
      }
      error("could not load your conversations; reconnect");
      // Which conversations are the user's is unknown, but pushes come only from those: one after
      // a gap is still held and filled from where the client says it is, never written past it.
      clientCursors.forEach(delivery::startFrom);
      return finish();
    }
    Requests.Sync sync = m.sync();
    SessionSettings s = deps.settings();
    sync.states().forEach(state -> seen.accept(state.conv(), state.lastSeq()));
    sync.cursors().forEach(delivery::startFrom);
    delivery.listed();
    cutShort = CatchUp.cutShort(sync.states(), sync.cursors(), s.catchUpMax());
    catchUp = new CatchUp(io(), sync.states(), sync.cursors(), s.catchUpMax(), s.historyMaxLimit());
    return pump();
  }

  private boolean pump() {
    if (catchUp == null || !catchUp.pump()) return false;
    catchUp = null;
    // Beyond catch-up-max the client pages with history; live entries go out as they come.
    cutShort.forEach(delivery::forget);
    return finish();
  }

  private boolean finish() {
    held.release(delivery);
    write.accept(new ServerFrame.Synced());
    return true;
  }

  private void error(String message) {
    write.accept(ServerFrame.Error.of(null, ErrorCode.UNAVAILABLE, message));
  }

  private CatchUp.Io io() {
    int lowWater = deps.settings().outboundBuffer() / 2;
    ActorRef<SessionMessage> self = ctx.getSelf();
    return new CatchUp.Io() {
      public void write(ServerFrame frame) {
        write.accept(frame);
      }

      public void offer(Entry entry) {
        delivery.offer(entry);
      }

      public void read(String conv, long from, long to) {
        // Within what is left of the sync's patience: synced waits for the page.
        ctx.pipeToSelf(reads.read(conv, from, to, patience), CaughtUp::new);
      }

      public boolean hasRoom() {
        return out.hasRoom(lowWater);
      }

      public void whenRoom() {
        out.whenRoom(lowWater, () -> self.tell(RoomToSync.INSTANCE));
      }
    };
  }
}
