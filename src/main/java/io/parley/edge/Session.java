package io.parley.edge;

import io.parley.conversation.Entry;
import io.parley.edge.Connection.Ack;
import io.parley.edge.Connection.Command;
import io.parley.edge.Connection.Inbound;
import io.parley.edge.Connection.Outbound;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.push.Push;
import io.parley.push.SessionMessage;
import io.parley.user.UserEntity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * An authenticated device session. Per conversation it never writes a {@code msg} at or below a
 * seq it already wrote, so pushes that race the hello catch-up cannot overtake or repeat it:
 * pushes are held until the catch-up is written, then only newer ones go out.
 */
final class Session extends AbstractBehavior<SessionMessage> {

  enum Tick implements Command {
    INSTANCE
  }

  record Reply(ServerFrame frame) implements Command {}

  record Synced(Requests.Sync sync, Throwable failure) implements Command {}

  static Behavior<SessionMessage> start(
      SessionDeps deps, ActorRef<Outbound> out, String transport, String user, ClientFrame.Hello hello) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(timers -> new Session(ctx, timers, deps, out, user, hello)));
  }

  private final SessionDeps deps;
  private final ActorRef<Outbound> out;
  private final String user;
  private final String device;
  private final Requests requests;
  private final RateLimiter sendLimit;
  private final ActorRef<Push> pushRef;
  private final Map<String, Long> written = new HashMap<>();
  private List<Entry> heldPushes = new ArrayList<>();
  private long lastInboundNanos = System.nanoTime();
  private long lastRefreshNanos = System.nanoTime();

  private Session(
      ActorContext<SessionMessage> ctx,
      TimerScheduler<SessionMessage> timers,
      SessionDeps deps,
      ActorRef<Outbound> out,
      String user,
      ClientFrame.Hello hello) {
    super(ctx);
    this.deps = deps;
    this.out = out;
    this.user = user;
    this.device = hello.device();
    this.requests = new Requests(deps);
    SessionSettings s = deps.settings();
    this.sendLimit = new RateLimiter(s.sendRate(), s.sendBurst(), System.nanoTime());
    this.pushRef = ctx.getSelf().narrow();
    timers.cancelAll();
    timers.startTimerWithFixedDelay(Tick.INSTANCE, s.heartbeat().dividedBy(2));
    attach();
    write(new ServerFrame.Welcome(user, device, s.heartbeat().toMillis(), System.currentTimeMillis()));
    Map<String, Long> cursors = hello.cursors() == null ? Map.of() : hello.cursors();
    written.putAll(cursors);
    ctx.pipeToSelf(requests.sync(user, cursors), Synced::new);
  }

  @Override
  public Receive<SessionMessage> createReceive() {
    return newReceiveBuilder()
        .onMessage(Inbound.class, this::onInbound)
        .onMessage(Connection.StreamStarted.class, m -> ack(m.ackTo()))
        .onMessage(Reply.class, m -> write(m.frame()))
        .onMessage(Push.Delivery.class, this::onPush)
        .onMessage(Synced.class, this::onSynced)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(Connection.StreamClosed.INSTANCE, Behaviors::stopped)
        .onSignal(PostStop.class, s -> detach())
        .build();
  }

  private Behavior<SessionMessage> onInbound(Inbound m) {
    m.ackTo().tell(Ack.INSTANCE);
    lastInboundNanos = System.nanoTime();
    if (m.decoded().error() != null) return write(m.decoded().error());
    ClientFrame frame = m.decoded().frame();
    if (frame instanceof ClientFrame.Ping p) write(new ServerFrame.Pong(p.rid()));
    else if (frame instanceof ClientFrame.Send s) onSend(s);
    else if (frame instanceof ClientFrame.History h) pipe(requests.history(user, h), h.rid());
    else if (frame instanceof ClientFrame.Ack a) ok(a.rid());
    else if (frame instanceof ClientFrame.Read r) ok(r.rid());
    else error(frame.rid(), ErrorCode.BAD_REQUEST, "already said hello");
    return this;
  }

  private void onSend(ClientFrame.Send s) {
    if (!sendLimit.tryAcquire(System.nanoTime())) {
      error(s.rid(), ErrorCode.RATE_LIMITED, "too many sends; retry later with the same cid");
    } else if (s.body().asText().getBytes(StandardCharsets.UTF_8).length
        > deps.settings().maxBodyBytes()) {
      error(s.rid(), ErrorCode.TOO_LARGE, "body exceeds " + deps.settings().maxBodyBytes() + " bytes");
    } else {
      pipe(requests.send(user, s), s.rid());
    }
  }

  private Behavior<SessionMessage> onPush(Push.Delivery d) {
    if (heldPushes != null) heldPushes.add(d.entry());
    else writeEntry(d.entry());
    return this;
  }

  private Behavior<SessionMessage> onSynced(Synced m) {
    if (m.failure() != null) {
      error(null, ErrorCode.UNAVAILABLE, "could not load your conversations; reconnect");
    } else {
      m.sync().states().forEach(this::write);
      m.sync().catchUp().forEach(this::writeEntry);
    }
    List<Entry> held = heldPushes;
    heldPushes = null;
    held.forEach(this::writeEntry);
    return write(new ServerFrame.Synced());
  }

  private void writeEntry(Entry e) {
    Long last = written.get(e.conv());
    if (last != null && e.seq() <= last) return;
    written.put(e.conv(), e.seq());
    write(Frames.msg(e));
  }

  private Behavior<SessionMessage> onTick() {
    SessionSettings s = deps.settings();
    long now = System.nanoTime();
    if (now - lastInboundNanos > s.heartbeat().multipliedBy(2).toNanos()) {
      return Connection.close(out, ErrorCode.BAD_REQUEST, "idle: no frame within 2 x heartbeat");
    }
    if (now - lastRefreshNanos >= s.refresh().toNanos()) {
      lastRefreshNanos = now;
      attach();
    }
    return this;
  }

  private void attach() {
    userEntity().tell(new UserEntity.Attach(device, pushRef));
  }

  private Behavior<SessionMessage> detach() {
    userEntity().tell(new UserEntity.Detach(pushRef));
    return this;
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<UserEntity.Command> userEntity() {
    return deps.sharding().entityRefFor(UserEntity.ENTITY_KEY, user);
  }

  private void pipe(java.util.concurrent.CompletionStage<ServerFrame> reply, String rid) {
    getContext()
        .pipeToSelf(
            reply,
            (frame, failure) ->
                new Reply(
                    failure == null
                        ? frame
                        : ServerFrame.Error.of(
                            rid, ErrorCode.UNAVAILABLE, "not answered in time; retry (same cid for sends)")));
  }

  private void ok(String rid) {
    if (rid != null) write(new ServerFrame.Ok(rid));
  }

  private void error(String rid, ErrorCode code, String message) {
    write(ServerFrame.Error.of(rid, code, message));
  }

  private Behavior<SessionMessage> write(ServerFrame frame) {
    out.tell(new Outbound.Frame(frame));
    return this;
  }

  private Behavior<SessionMessage> ack(ActorRef<Ack> ackTo) {
    ackTo.tell(Ack.INSTANCE);
    return this;
  }
}
