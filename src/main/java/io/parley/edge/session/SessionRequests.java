package io.parley.edge.session;

import io.parley.edge.requests.Requests;
import io.parley.edge.session.SessionMessages.Reply;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.push.SessionMessage;
import io.parley.user.UserEntity;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * What one session does with each request frame after it passed the frame budgets: which part of
 * the node handles it, and how its one reply gets back to the socket. Every branch either writes a
 * reply now or pipes one to the session, so a request with a rid is answered exactly once.
 *
 * <p>It runs on the session's actor thread only (it is the session's, not shared).
 */
final class SessionRequests {
  private final ActorContext<SessionMessage> ctx;
  private final SessionDeps deps;
  private final String user;
  private final String device;
  private final String tokenId;
  private final DeviceCursors cursors;
  private final SessionRooms rooms;
  private final InFlight inFlight;
  private final Supplier<EntityRef<UserEntity.Command>> userEntity;
  private final Consumer<ServerFrame> write;

  SessionRequests(
      ActorContext<SessionMessage> ctx,
      SessionDeps deps,
      String user,
      String device,
      String tokenId,
      DeviceCursors cursors,
      SessionRooms rooms,
      InFlight inFlight,
      Supplier<EntityRef<UserEntity.Command>> userEntity,
      Consumer<ServerFrame> write) {
    this.ctx = ctx;
    this.deps = deps;
    this.user = user;
    this.device = device;
    this.tokenId = tokenId;
    this.cursors = cursors;
    this.rooms = rooms;
    this.inFlight = inFlight;
    this.userEntity = userEntity;
    this.write = write;
  }

  void handle(ClientFrame frame) {
    ServerFrame.Error roomProblem = rooms.problem(frame);
    if (roomProblem != null) write.accept(roomProblem);
    else if (frame instanceof ClientFrame.Ping p) write.accept(new ServerFrame.Pong(p.rid()));
    else if (frame instanceof ClientFrame.Send s) refused(inFlight.send(ctx, user, s));
    else if (frame instanceof ClientFrame.History h) refused(inFlight.history(ctx, user, h));
    else if (frame instanceof ClientFrame.Ack a) ack(a);
    else if (frame instanceof ClientFrame.Read r)
      pipe(deps.requests().read(user, device, r, cursors.seen(r.conv())), r.rid());
    else if (frame instanceof ClientFrame.Join j && SessionRooms.isRoom(j.conv()))
      pipe(rooms.join(j), j.rid());
    else if (frame instanceof ClientFrame.Leave l && SessionRooms.isRoom(l.conv()))
      write.accept(rooms.leave(l));
    else if (frame instanceof ClientFrame.ContactOp c) pipe(deps.people().handle(user, c), c.rid());
    else if (frame instanceof ClientFrame.Contacts c)
      pipe(deps.people().contacts(user, c), c.rid());
    else if (frame instanceof ClientFrame.Typing t) typing(t);
    else if (frame instanceof ClientFrame.Create c) pipe(deps.groups().create(user, c), c.rid());
    else if (frame instanceof ClientFrame.GroupOp g) pipe(deps.groups().handle(user, g), g.rid());
    else if (frame instanceof ClientFrame.PushOp p)
      pipe(deps.devices().handle(user, device, tokenId, p), p.rid());
    else if (frame instanceof ClientFrame.FindPeople f)
      pipe(deps.search().find(user, f.rid(), f.q(), f.cursor(), f.limit()), f.rid());
    else if (frame instanceof ClientFrame.PresenceQuery q)
      pipe(deps.presence().query(user, q), q.rid());
    else if (frame instanceof ClientFrame.Members g) pipe(deps.groups().members(user, g), g.rid());
    else error(frame.rid(), ErrorCode.BAD_REQUEST, "already said hello");
  }

  /** Typing is fire-and-forget; one that carries a rid still gets its one reply. */
  private void typing(ClientFrame.Typing t) {
    deps.groups().typing(user, t);
    write.accept(new ServerFrame.Ok(t.rid()));
  }

  /**
   * Acks are coalesced ({@link DeviceCursors}); one with a rid is stored at once and answered when
   * it is.
   */
  private void ack(ClientFrame.Ack a) {
    if (!cursors.acked(a.conv(), a.seq())) {
      error(a.rid(), ErrorCode.FORBIDDEN, "not a member of this conversation");
      return;
    }
    // A delivered receipt's way starts here, only when this device's ack rises in a direct
    // conversation: an ack storm of one seq costs the core nothing.
    long rose = cursors.rose(a.conv());
    if (rose > 0) userEntity.get().tell(new UserEntity.Acked(a.conv(), rose));
    if (a.rid() == null) return;
    pipe(
        cursors
            .storeNow(userEntity.get(), device, deps.settings().askTimeout())
            .thenApply(done -> new ServerFrame.Ok(a.rid())),
        a.rid());
  }

  private void pipe(CompletionStage<ServerFrame> reply, String rid) {
    ctx.pipeToSelf(
        reply, (frame, failure) -> new Reply(failure == null ? frame : Requests.notAnswered(rid)));
  }

  private void refused(ServerFrame.Error refusal) {
    if (refusal != null) write.accept(refusal);
  }

  private void error(String rid, ErrorCode code, String message) {
    write.accept(ServerFrame.Error.of(rid, code, message));
  }
}
