package io.parley.edge.session;

import io.parley.auth.Tokens;
import io.parley.edge.requests.Frames;
import io.parley.edge.session.Connection.Ack;
import io.parley.edge.session.Connection.Inbound;
import io.parley.edge.session.SessionMessages.Filled;
import io.parley.edge.session.SessionMessages.FlushAcks;
import io.parley.edge.session.SessionMessages.HistoryAnswered;
import io.parley.edge.session.SessionMessages.PresenceListed;
import io.parley.edge.session.SessionMessages.Reply;
import io.parley.edge.session.SessionMessages.Reviewed;
import io.parley.edge.session.SessionMessages.SendAnswered;
import io.parley.edge.session.SessionMessages.Tick;
import io.parley.edge.session.SessionMessages.TokenExpired;
import io.parley.edge.transport.Outbound;
import io.parley.edge.transport.Outbox;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.push.Push;
import io.parley.push.SessionMessage;
import io.parley.tracing.TraceSpan;
import io.parley.tracing.Tracing;
import io.parley.user.UserEntity;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * An authenticated device session. Live pushes are held until the hello catch-up is written, and
 * every entry goes through {@link OrderedDelivery}, so per conversation this socket sees seqs in
 * order, each once, never a live entry before the catch-up it follows.
 */
final class Session extends AbstractBehavior<SessionMessage> {

  static Behavior<SessionMessage> start(
      SessionDeps deps,
      Outbox out,
      String transport,
      Tokens.Claims claims,
      ClientFrame.Hello hello) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new Session(ctx, timers, deps, out, claims, hello)));
  }

  private final SessionDeps deps;
  private final Outbox out;
  private final String user;
  private final String tokenId;
  private final String device;
  private final FrameBudgets.Connection budgets;
  private final ActorRef<Push> pushRef;
  private final OrderedDelivery delivery;
  // The journal reads of the catch-up and of the gaps delivery finds, asked again if they fail.
  private final PatientReads reads;
  private final GapFills fills;
  // The conversations this session knows the user is in: acks elsewhere are refused, and acks
  // and read markers beyond what it has seen are clamped.
  private final DeviceCursors cursors;
  private final SessionRooms rooms;
  // Non-null until the hello sync is written: live entries wait so as not to overtake it.
  private HelloSync sync;
  // Non-null until the friends' presence list is written: the pushes that may be newer.
  private PresenceListing presenceList;
  private final InFlight inFlight;
  private final SessionRequests requests;
  private final Liveness liveness;
  private final TimerScheduler<SessionMessage> timers;

  private Session(
      ActorContext<SessionMessage> ctx,
      TimerScheduler<SessionMessage> timers,
      SessionDeps deps,
      Outbox out,
      Tokens.Claims claims,
      ClientFrame.Hello hello) {
    super(ctx);
    this.deps = deps;
    this.out = out;
    this.user = claims.user();
    this.cursors = new DeviceCursors(user);
    this.tokenId = claims.tokenId();
    this.timers = timers;
    this.liveness = new Liveness(deps.settings(), claims.expiresAt().toEpochMilli());
    this.device = hello.device();
    this.inFlight = new InFlight(deps);
    this.rooms =
        new SessionRooms(
            deps.rooms(), out, deps.settings().askTimeout(), ctx.getSystem().scheduler());
    SessionSettings s = deps.settings();
    this.budgets = deps.frameBudgets().connection(user);
    this.pushRef = ctx.getSelf().narrow();
    this.requests =
        new SessionRequests(
            ctx,
            deps,
            user,
            device,
            tokenId,
            cursors,
            rooms,
            inFlight,
            this::userEntity,
            this::write);
    this.reads =
        new PatientReads(
            (conv, from, to) -> deps.requests().entries(conv, from, to),
            ctx.getSystem().scheduler(),
            ctx.getSystem().executionContext());
    this.fills = new GapFills(ctx, reads, s);
    this.delivery =
        new OrderedDelivery(
            user, cursors.seeing(e -> write(Frames.msg(e))), fills, s.catchUpMax(), cursors::knows);
    this.sync = new HelloSync(deps, ctx, timers, out, delivery, reads, this::write, cursors::saw);
    timers.cancelAll();
    timers.startTimerWithFixedDelay(Tick.INSTANCE, s.heartbeat().dividedBy(2));
    timers.startTimerWithFixedDelay(FlushAcks.INSTANCE, s.ackFlush());
    watchTokenExpiry();
    attach();
    write(
        new ServerFrame.Welcome(
            hello.rid(), user, device, s.heartbeat().toMillis(), System.currentTimeMillis()));
    sync.start(user, device, hello.cursors() == null ? Map.of() : hello.cursors());
    presenceList = new PresenceListing();
    presenceList.start(ctx, deps.presence(), user, s);
  }

  /**
   * One case rather than a builder case per message type: a builder's cases and their lambdas are
   * built again for every session, about 0.7 KB that each idle socket would carry (the edge's
   * memory budget: docs/benchmarks.md, "Idle sockets, two stages fewer"). The commonest messages
   * come first.
   */
  @Override
  public Receive<SessionMessage> createReceive() {
    return newReceiveBuilder()
        .onMessage(SessionMessage.class, this::onMessage)
        .onSignal(PostStop.class, s -> detach())
        .build();
  }

  private Behavior<SessionMessage> onMessage(SessionMessage m) {
    if (m instanceof Inbound i) return onInbound(i);
    if (m instanceof Push.Delivery d) return onDelivery(d);
    if (m instanceof SendAnswered a) return onSendAnswered(a);
    if (m instanceof Reply r) return onReply(r.frame());
    if (m instanceof Push.ReadMarker r) return onReadMarker(r);
    if (m instanceof Push.Delivered d)
      return write(new ServerFrame.Delivered(d.conv(), d.user(), d.seq()));
    if (m instanceof Push.TypingNotice t) return typing(t);
    if (m == Tick.INSTANCE) return onTick();
    if (m == FlushAcks.INSTANCE) return flushAcks();
    if (m instanceof HelloSync.Message h) return onSync(h);
    if (m instanceof Filled f) return filled(f);
    if (m instanceof HistoryAnswered h) return historyAnswered(h);
    if (m instanceof Reviewed r) {
      inFlight.reviewed(getContext(), user, r, this::write);
      return this;
    }
    if (m instanceof PresenceListed l) {
      ServerFrame frame = presenceList.merged(l.frame());
      presenceList = null;
      return write(frame);
    }
    if (m instanceof Push.ContactChanged c) {
      return write(new ServerFrame.ContactEvent(c.event(), c.user()));
    }
    if (m instanceof Push.PresenceChanged p) {
      if (presenceList != null) presenceList.pushed(p);
      return write(new ServerFrame.Presence(p.user(), p.state(), p.lastSeen()));
    }
    if (m instanceof Push.TokenRevoked r) return onRevoked(r);
    if (m == Connection.Reattach.INSTANCE) {
      attach();
      return this;
    }
    if (m == Push.AttachAgain.INSTANCE) {
      timers.startSingleTimer(Connection.Reattach.INSTANCE, liveness.reattachDelay());
      return this;
    }
    if (m instanceof Push.Missed missed) {
      missed.upTo().forEach(sync != null ? sync::owe : delivery::readUpTo);
      return this;
    }
    if (m instanceof Connection.StreamStarted s) return ack(s.ackTo());
    if (m == Connection.Drain.INSTANCE) {
      return closeSession(ErrorCode.UNAVAILABLE, Connection.RECONNECT_ELSEWHERE);
    }
    if (m == TokenExpired.INSTANCE) {
      return closeSession(ErrorCode.UNAUTHORIZED, "token expired; log in again");
    }
    if (m == Connection.StreamClosed.INSTANCE) return Behaviors.stopped();
    return Behaviors.unhandled();
  }

  private Behavior<SessionMessage> onInbound(Inbound m) {
    m.ackTo().tell(Ack.INSTANCE);
    liveness.heard();
    if (m.isKeepAlive()) return this;
    if (m.decoded().error() != null) return write(m.decoded().error());
    ClientFrame frame = m.decoded().frame();
    ServerFrame.Error overBudget = budgets.refuse(frame);
    if (overBudget != null) return write(overBudget);
    requests.handle(frame);
    return this;
  }

  private Behavior<SessionMessage> typing(Push.TypingNotice t) {
    if (!t.user().equals(user)) write(new ServerFrame.Typing(t.conv(), t.user()));
    return this;
  }

  private Behavior<SessionMessage> onRevoked(Push.TokenRevoked r) {
    if (!r.tokenId().equals(tokenId)) return this;
    return closeSession(ErrorCode.UNAUTHORIZED, "logged out; log in again");
  }

  private Behavior<SessionMessage> closeSession(ErrorCode code, String message) {
    detach();
    return Connection.close(out, null, code, message);
  }

  private Behavior<SessionMessage> onSendAnswered(SendAnswered m) {
    inFlight.sendAnswered();
    return write(m.frame());
  }

  private Behavior<SessionMessage> flushAcks() {
    cursors.store(userEntity(), device);
    return this;
  }

  /** The span of writing a traced push to this socket; the tracer is looked up for these only. */
  private TraceSpan traced(Push.Delivery d) {
    return Tracing.get(getContext().getSystem())
        .write(d.traceparent(), d.entry().conv(), d.entry().seq(), user, device);
  }

  private Behavior<SessionMessage> onDelivery(Push.Delivery d) {
    TraceSpan span = d.traceparent() == null ? null : traced(d); // null: not traced
    boolean written = false;
    if (sync != null) sync.hold(d.entry());
    else written = delivery.offer(d.entry());
    if (span != null) span.written(written).end();
    return this;
  }

  private Behavior<SessionMessage> onReply(ServerFrame frame) {
    if (frame instanceof ServerFrame.HistoryPage page && !page.messages().isEmpty()) {
      cursors.saw(page.conv(), page.messages().get(page.messages().size() - 1).seq());
    }
    return write(frame);
  }

  private Behavior<SessionMessage> onReadMarker(Push.ReadMarker r) {
    boolean ownReadHere = r.user().equals(user) && device.equals(r.device());
    if (!ownReadHere) write(new ServerFrame.ReadMarker(r.conv(), r.user(), r.seq()));
    return this;
  }

  private Behavior<SessionMessage> onSync(HelloSync.Message m) {
    if (sync != null && sync.on(m)) sync = null;
    return this;
  }

  private Behavior<SessionMessage> historyAnswered(HistoryAnswered m) {
    inFlight.historyAnswered();
    return onReply(m.frame());
  }

  private Behavior<SessionMessage> filled(Filled m) {
    if (fills.filled(delivery, m)) return this;
    return closeSession(ErrorCode.UNAVAILABLE, GapFills.GAVE_UP);
  }

  private Behavior<SessionMessage> onTick() {
    Liveness.Due due = liveness.tick();
    if (due == Liveness.Due.IDLE) {
      return closeSession(ErrorCode.BAD_REQUEST, "idle: no frame within 2 x heartbeat");
    }
    if (due == Liveness.Due.REFRESH) attach();
    watchTokenExpiry();
    return this;
  }

  private void watchTokenExpiry() {
    java.time.Duration expiry = liveness.tokenExpiresWithinATick();
    if (expiry != null) timers.startSingleTimer(TokenExpired.INSTANCE, expiry);
  }

  private void attach() {
    userEntity().tell(new UserEntity.Attach(device, tokenId, pushRef));
  }

  private Behavior<SessionMessage> detach() {
    reads.end();
    if (presenceList != null) presenceList.end();
    inFlight.release();
    flushAcks();
    rooms.leaveAll();
    userEntity().tell(new UserEntity.Detach(pushRef));
    return this;
  }

  private EntityRef<UserEntity.Command> userEntity() {
    return deps.sharding().entityRefFor(UserEntity.ENTITY_KEY, user);
  }

  private Behavior<SessionMessage> write(ServerFrame frame) {
    // A request without a rid is answered only if something went wrong (docs/protocol.md section
    // 1).
    if (frame instanceof ServerFrame.Ok ok && ok.rid() == null) return this;
    out.tell(new Outbound.Frame(frame));
    return this;
  }

  private Behavior<SessionMessage> ack(ActorRef<Ack> ackTo) {
    ackTo.tell(Ack.INSTANCE);
    return this;
  }
}
