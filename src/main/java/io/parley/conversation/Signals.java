package io.parley.conversation;

import io.parley.conversation.ConversationEntity.Command;
import io.parley.conversation.ConversationEntity.Flush;
import io.parley.conversation.Replies.PostReply;
import io.parley.conversation.Replies.Rejected;
import io.parley.protocol.ErrorCode;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * What a conversation entity does on Pekko's persistence signals: a failed write, a failed
 * recovery, a completed one. Part of one conversation entity's actor.
 */
final class Signals {
  private final ActorContext<Command> ctx;
  private final ConversationId conv;
  private final WriteInFlight writing;
  // Spans of the posts being written; null while tracing is off.
  private final PostTraces traces;

  Signals(
      ActorContext<Command> ctx, ConversationId conv, WriteInFlight writing, PostTraces traces) {
    this.ctx = ctx;
    this.conv = conv;
    this.writing = writing;
    this.traces = traces;
  }

  /**
   * The write in flight failed (the journal failed or refused it): nothing of it is stored. Its
   * posts and its command are answered {@code unavailable}, so their senders may retry with the
   * same cids at once instead of waiting out their ask timeouts; then Pekko restarts the entity
   * after {@code persist-failure-backoff} (a rejected write stops it; sharding starts it again).
   */
  void persistFailed(Throwable cause) {
    List<ActorRef<PostReply>> waiting = writing.failed();
    Rejected unavailable =
        new Rejected(
            ErrorCode.UNAVAILABLE,
            "conversation temporarily unavailable; nothing stored, retry with the same cid");
    waiting.forEach(r -> r.tell(unavailable));
    if (traces != null) traces.failed();
    ctx.getLog()
        .error(
            "{}: persist failed, {} waiting answered unavailable; restarting after backoff",
            conv.value(),
            waiting.size(),
            cause);
  }

  void recoveryFailed(Throwable cause) {
    ctx.getLog().error("{}: recovery failed; restarting after backoff", conv.value(), cause);
  }

  /** Recovered to {@code state}; {@code journalSeq} is the journal's highest seq for it. */
  void recovered(TimelineState state, long journalSeq) {
    // Each takes one late answer to a failed write out of the way (WriteInFlight).
    for (int i = writing.takeLateAnswers(); i > 0; i--) ctx.getSelf().tell(new Flush());
    if (journalSeq != state.lastSeq()) {
      ctx.getLog()
          .error(
              "{} recovered lastSeq {} but journal seq {}: seq invariant broken",
              conv.value(),
              state.lastSeq(),
              journalSeq);
    }
  }
}
