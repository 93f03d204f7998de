package io.parley.edge.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.conversation.ConversationId;
import io.parley.edge.requests.Unanswered;
import io.parley.edge.session.SessionMessages.HistoryAnswered;
import io.parley.edge.session.SessionMessages.Reviewed;
import io.parley.edge.session.SessionMessages.SendAnswered;
import io.parley.metrics.Metrics;
import io.parley.moderation.Moderation;
import io.parley.moderation.Verdict;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.push.SessionMessage;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
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
  private final Reviews reviews = new Reviews();

  InFlight(SessionDeps deps) {
    this.deps = deps;
  }

  /**
   * Posts a send, once moderation passed its body ({@link Moderation}: the filter at once, the
   * service's answer in a {@link Reviewed}); null, or the error to answer at once (then nothing was
   * sent).
   */
  ServerFrame.Error send(ActorContext<SessionMessage> ctx, String user, ClientFrame.Send s) {
    int maxBodyBytes = deps.settings().maxBodyBytes();
    // An edit's new text has the limits, and goes through the filter, of a text send's body.
    String text = s.text(); // null: a recall, neither limited nor moderated
    if (text != null && text.getBytes(StandardCharsets.UTF_8).length > maxBodyBytes) {
      return ServerFrame.Error.of(
          s.rid(), ErrorCode.TOO_LARGE, "body exceeds " + maxBodyBytes + " bytes");
    }
    Moderation moderation = deps.moderation();
    String kind = text == null ? null : kindOf(s.conv()); // null: not moderated
    ClientFrame.Send post = s;
    if (kind != null) {
      Verdict filtered = moderation.filter(kind, text);
      if (!filtered.passes()) return refusal(s, filtered);
      post = withText(s, filtered.text());
    }
    if (!deps.sendGate().tryEnter()) {
      Metrics.SENDS_REFUSED.increment();
      return ServerFrame.Error.of(
          s.rid(), ErrorCode.UNAVAILABLE, "server busy; retry shortly with the same cid");
    }
    sends++;
    Metrics.MESSAGES_IN.increment();
    boolean hooked = kind != null && moderation.hooked(kind);
    if (!hooked && reviews.isEmpty()) {
      deps.requests().send(ctx, user, post, SendAnswered::new);
      return null;
    }
    // Behind (or itself) a send the moderation service is asked about: it waits its turn.
    Reviews.Pending pending = reviews.add(post, hooked ? null : Verdict.pass(null));
    if (hooked) {
      ctx.pipeToSelf(
          moderation.review(s.conv(), kind, user, post.text()),
          (verdict, failure) -> new Reviewed(pending, failure == null ? verdict : Verdict.FAILED));
    }
    return null;
  }

  /**
   * The service answered about a waiting send: the sends now at the head of the line go to their
   * conversations, or are refused ({@code refused} gets each refusal).
   */
  void reviewed(
      ActorContext<SessionMessage> ctx,
      String user,
      Reviewed r,
      Consumer<ServerFrame.Error> refused) {
    for (Reviews.Pending p : reviews.decided(r.pending(), r.verdict())) {
      Verdict verdict = p.verdict();
      if (verdict.passes()) {
        ClientFrame.Send post = verdict.text() == null ? p.send : withText(p.send, verdict.text());
        deps.requests().send(ctx, user, post, SendAnswered::new);
      } else {
        sendAnswered(); // its slot goes back: it is not sent
        refused.accept(refusal(p.send, verdict));
      }
    }
  }

  private static ServerFrame.Error refusal(ClientFrame.Send s, Verdict verdict) {
    if (verdict.outcome() == Verdict.Outcome.REJECTED) {
      return ServerFrame.Error.of(
          s.rid(), ErrorCode.CONTENT_REJECTED, "the message was refused for its content");
    }
    return ServerFrame.Error.of(
        s.rid(),
        ErrorCode.UNAVAILABLE,
        "the moderation service did not answer; nothing was stored; retry with the same cid");
  }

  /** The send with {@code text} as its text (the same send when the text is unchanged). */
  private static ClientFrame.Send withText(ClientFrame.Send s, String text) {
    if (text.equals(s.text())) return s;
    JsonNode body =
        s.isEdit() ? ((ObjectNode) s.body().deepCopy()).put("text", text) : TextNode.valueOf(text);
    return new ClientFrame.Send(s.rid(), s.conv(), s.cid(), s.kind(), body);
  }

  /** "direct", "group" or "room"; null for an id that is none (the conversation refuses it). */
  private static String kindOf(String conv) {
    return ConversationId.parse(conv).map(id -> id.kind().wire()).orElse(null);
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
