package io.parley.conversation;

import io.parley.conversation.ConversationEntity.Command;
import io.parley.conversation.ConversationEntity.Flush;
import io.parley.conversation.Replies.PostReply;
import io.parley.conversation.Replies.Rejected;
import io.parley.metrics.Metrics;
import io.parley.protocol.ErrorCode;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * What a conversation entity does on Pekko's persistence signals: a failed write, a failed
 * recovery, a completed one. Part of one conversation entity's actor.
 */
final class Signals {
  // Longer recoveries are logged one by one: sends to the conversation wait meanwhile.
  private static final long SLOW_RECOVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private final ActorContext<Command> ctx;
  private final ConversationId conv;
  private final WriteInFlight writing;
  // Spans of the posts being written; null while tracing is off.
  private final PostTraces traces;
  // Since when it has not been recovered: its start, or its last failure (a restart follows).
  private long unrecoveredSince = System.nanoTime();

  Signals(
      ActorContext<Command> ctx, ConversationId conv, WriteInFlight writing, PostTraces traces) {
    this.ctx = ctx;
    this.conv = conv;
    this.writing = writing;
    this.traces = traces;
  }

  /**
   * The write in flight failed (the journal failed, or refused it: {@code rejected}). Its posts and
   * its command are answered at once, so their senders may retry with the same cids instead of
   * waiting out their asks: {@code unavailable} if nothing of it was stored ({@link FailedWrites}),
   * else {@code internal}, outcome unknown (a retry gets the original seq if it was stored: the
   * restarted entity recovers from the journal). Then Pekko restarts the entity after {@code
   * persist-failure-backoff} (a rejected write stops it; sharding starts it again).
   */
  void persistFailed(Throwable cause, boolean rejected) {
    unrecoveredSince = System.nanoTime();
    List<ActorRef<PostReply>> waiting = writing.failed();
    Rejected answer =
        rejected || FailedWrites.nothingStored(cause)
            ? new Rejected(
                ErrorCode.UNAVAILABLE,
                "conversation temporarily unavailable; nothing stored, retry with the same cid")
            : new Rejected(
                ErrorCode.INTERNAL,
                "outcome unknown: the journal did not confirm the write; retry with the same cid:"
                    + " you get the original sent if it was stored");
    waiting.forEach(r -> r.tell(answer));
    if (traces != null) traces.failed(answer.code().wire());
    ctx.getLog()
        .error(
            "{}: persist failed, {} waiting answered {}; restarting after backoff",
            conv.value(),
            waiting.size(),
            answer.code().wire(),
            cause);
  }

  void recoveryFailed(Throwable cause) {
    unrecoveredSince = System.nanoTime();
    ctx.getLog().error("{}: recovery failed; restarting after backoff", conv.value(), cause);
  }

  /** Recovered to {@code state}; {@code journalSeq} is the journal's highest seq for it. */
  void recovered(TimelineState state, long journalSeq) {
    long took = System.nanoTime() - unrecoveredSince;
    Metrics.CONVERSATION_RECOVERY.record(took, TimeUnit.NANOSECONDS);
    if (took > SLOW_RECOVERY_NANOS) {
      ctx.getLog()
          .info("{}: recovered to seq {} in {} ms", conv.value(), journalSeq, took / 1_000_000);
    }
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
