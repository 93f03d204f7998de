package io.parley.conversation;

import io.parley.conversation.ConversationEntity.BlockChanged;
import io.parley.conversation.ConversationEntity.Command;
import io.parley.conversation.ConversationEntity.Event;
import io.parley.conversation.ConversationEntity.Flush;
import io.parley.conversation.ConversationEntity.MembersLinked;
import io.parley.conversation.ConversationEntity.Post;
import io.parley.conversation.Replies.Posted;
import io.parley.conversation.Replies.Rejected;
import io.parley.protocol.ErrorCode;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A post's way into the timeline: the checks (storable, member, a retry of a stored cid, a direct
 * conversation's links and blocks, a recall's or an edit's rules), then a write of its own, or a
 * place in the next shared one ({@link PendingPosts}), but only before its deadline. A direct
 * conversation's posts wait, stashed in order, until its members are linked ({@link DirectLinks}).
 * Part of one conversation entity's actor.
 */
final class PostCommands {
  private final ActorContext<Command> ctx;
  private final ConversationId conv;
  private final ConversationSettings settings;
  private final EffectFactories<Event, TimelineState> effects;
  private final PendingPosts pending;
  private final Backlog backlog;
  private final TimelineWrites writes;
  private final ConversationReads reads;
  private final Fanout fanout;
  // Spans of the posts being written; null while tracing is off.
  private final PostTraces traces;
  private final DirectLinks links = new DirectLinks();

  PostCommands(
      ActorContext<Command> ctx,
      ConversationId conv,
      ConversationSettings settings,
      EffectFactories<Event, TimelineState> effects,
      PendingPosts pending,
      Backlog backlog,
      TimelineWrites writes,
      ConversationReads reads,
      Fanout fanout,
      PostTraces traces) {
    this.ctx = ctx;
    this.conv = conv;
    this.settings = settings;
    this.effects = effects;
    this.pending = pending;
    this.backlog = backlog;
    this.writes = writes;
    this.reads = reads;
    this.fanout = fanout;
    this.traces = traces;
  }

  ReplyEffect<Event, TimelineState> onPost(TimelineState state, Post cmd) {
    String unstorable = TimelineWrites.unstorable(cmd);
    if (unstorable != null)
      return effects.reply(cmd.replyTo(), new Rejected(ErrorCode.BAD_REQUEST, unstorable));
    if (!reads.mayUse(state, cmd.from())) return reads.reject(cmd.replyTo(), ErrorCode.FORBIDDEN);
    DedupWindow.Record seen = state.sent(cmd.from(), cmd.cid());
    if (seen != null) return effects.reply(cmd.replyTo(), new Posted(seen.seq(), seen.ts()));
    if (pending.join(cmd.from(), cmd.cid(), cmd.replyTo(), cmd.deadline())) {
      return effects.noReply();
    }
    if (conv.isDirect()) {
      ErrorCode linkFailure = links.takeFailure();
      if (linkFailure != null) return reads.reject(cmd.replyTo(), linkFailure);
      if (!links.linked()) {
        if (links.waitForLink()) startLinking();
        return effects.stash();
      }
      if (links.blocks(cmd.from())) return reads.reject(cmd.replyTo(), ErrorCode.FORBIDDEN);
    }
    boolean recall = TimelineState.RECALL.equals(cmd.kind());
    boolean edit = TimelineState.EDIT.equals(cmd.kind());
    long now = System.currentTimeMillis();
    Rejected problem =
        recall
            ? Recalls.check(state, cmd)
            : edit ? Edits.check(state, cmd, now, settings.editWindow()) : null;
    if (problem != null) return effects.reply(cmd.replyTo(), problem);
    // Recalls and edits are not held: two held recalls of one entry would both pass the check
    // above, and so would an edit held behind a recall of its entry.
    boolean plain = !recall && !edit;
    boolean hold =
        plain
            && !settings.ackBeforePersist()
            && backlog.behind() > 0
            && pending.size() + 1 < settings.maxPostsPerWrite();
    // The deadline holds until a write takes the post: now, or (held) when the next one starts.
    if (!hold && cmd.lateAt(now)) return writes.late(cmd);
    // A recall stores only the seq it withdraws, an edit the seq and text, whatever else the
    // body held.
    Timeline.Appended entry =
        recall
            ? new Timeline.Recalled(cmd.from(), cmd.cid(), Targets.seqOf(cmd), now)
            : edit
                ? new Timeline.Edited(
                    cmd.from(), cmd.cid(), Targets.seqOf(cmd), Edits.textOf(cmd), now)
                : new Timeline.Posted(cmd.from(), cmd.cid(), cmd.body(), now);
    if (traces != null) traces.started(cmd, conv.value());
    if (settings.ackBeforePersist() && plain) return writes.ackBeforeAppend(state, entry, cmd);
    if (hold) {
      if (pending.isEmpty()) ctx.getSelf().tell(new Flush());
      pending.hold(entry, cmd.replyTo(), cmd.deadline());
      return effects.noReply();
    }
    return writes.append(state, entry, cmd.replyTo());
  }

  ReplyEffect<Event, TimelineState> onBlockChanged(TimelineState state, BlockChanged cmd) {
    if (conv.isDirect() && conv.hasMember(cmd.blocker()) && conv.hasMember(cmd.blocked())) {
      links.blockChanged(cmd.blocked(), cmd.blocking());
    }
    return effects.noReply();
  }

  ReplyEffect<Event, TimelineState> onMembersLinked(TimelineState state, MembersLinked result) {
    links.done(result.failure(), result.blockedSenders());
    return effects.noReply().thenUnstashAll();
  }

  private void startLinking() {
    ctx.pipeToSelf(fanout.linkAndAsk(conv.members(), settings.linkTimeout()), DirectLinks::outcome);
  }
}
