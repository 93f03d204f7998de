package io.parley.edge.session;

import io.parley.edge.requests.Unanswered;
import io.parley.edge.session.SessionMessages.HistoryAnswered;
import io.parley.edge.session.SessionMessages.SendAnswered;
import io.parley.metrics.Metrics;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.push.SessionMessage;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * What one session has asked of the core and not yet heard back: its sends, each holding a slot of
 * the node's send gate until answered, and its history pages, at most a few at once (they are
 * large). The answers reach the session as {@link SendAnswered} and {@link HistoryAnswered}, which
 * it reports here. Used by the session's actor alone.
 */
final class InFlight {
  private final SessionDeps deps;
  private int sends;
  private int histories;

  InFlight(SessionDeps deps) {
    this.deps = deps;
  }

  /** Posts a send; null, or the error to answer at once (then nothing was sent). */
  ServerFrame.Error send(ActorContext<SessionMessage> ctx, String user, ClientFrame.Send s) {
    int maxBodyBytes = deps.settings().maxBodyBytes();
    if (!s.isRecall() && s.body().asText().getBytes(StandardCharsets.UTF_8).length > maxBodyBytes) {
      return ServerFrame.Error.of(
          s.rid(), ErrorCode.TOO_LARGE, "body exceeds " + maxBodyBytes + " bytes");
    }
    if (!deps.sendGate().tryEnter()) {
      Metrics.SENDS_REFUSED.increment();
      return ServerFrame.Error.of(
          s.rid(), ErrorCode.UNAVAILABLE, "server busy; retry shortly with the same cid");
    }
    sends++;
    Metrics.MESSAGES_IN.increment();
    deps.requests().send(ctx, user, s, SendAnswered::new);
    return null;
  }

  /** A send was answered: its slot goes back to the gate. */
  void sendAnswered() {
    if (sends > 0) { // else release() already gave the slot back
      sends--;
      deps.sendGate().exit(1);
    }
  }

  /** Asks for a history page; null, or the error to answer at once. */
  ServerFrame.Error history(ActorContext<SessionMessage> ctx, String user, ClientFrame.History h) {
    int max = deps.settings().maxHistoryInFlight();
    if (histories >= max) {
      return ServerFrame.Error.of(
          h.rid(),
          ErrorCode.RATE_LIMITED,
          "at most " + max + " history requests in flight; wait for a reply");
    }
    histories++;
    ctx.pipeToSelf(
        deps.requests().history(user, h),
        (frame, failure) -> new HistoryAnswered(failure == null ? frame : Unanswered.to(h)));
    return null;
  }

  void historyAnswered() {
    histories--;
  }

  /**
   * The session ends: answers still on their way would land in dead letters, so their sends' slots
   * go back to the gate now.
   */
  void release() {
    deps.sendGate().exit(sends);
    sends = 0;
  }
}
