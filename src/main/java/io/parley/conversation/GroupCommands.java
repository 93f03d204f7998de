package io.parley.conversation;

import io.parley.conversation.ConversationEntity.Create;
import io.parley.conversation.ConversationEntity.Event;
import io.parley.conversation.ConversationEntity.Manage;
import io.parley.conversation.Replies.Posted;
import io.parley.conversation.Replies.Rejected;
import io.parley.protocol.ErrorCode;
import java.util.List;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A group's creation and its management (invite, leave, kick, title, role): each change is one
 * {@code system} entry ({@link SystemEntries}), written like any post, then the members' lists are
 * changed ({@link MemberLinks}) and the entry is pushed, to those it removed as well. Part of one
 * conversation entity's actor.
 */
final class GroupCommands {
  private final ConversationId conv;
  private final EffectFactories<Event, TimelineState> effects;
  private final SystemEntries system;
  private final TimelineWrites writes;
  private final MemberLinks memberLinks;
  private final ConversationReads reads;

  GroupCommands(
      ConversationId conv,
      EffectFactories<Event, TimelineState> effects,
      SystemEntries system,
      TimelineWrites writes,
      MemberLinks memberLinks,
      ConversationReads reads) {
    this.conv = conv;
    this.effects = effects;
    this.system = system;
    this.writes = writes;
    this.memberLinks = memberLinks;
    this.reads = reads;
  }

  ReplyEffect<Event, TimelineState> onCreate(TimelineState state, Create cmd) {
    if (!conv.isGroup()) return reads.reject(cmd.replyTo(), ErrorCode.BAD_REQUEST);
    if (state.lastSeq() > 0) {
      return effects.reply(cmd.replyTo(), new Rejected(ErrorCode.CONFLICT, "the group exists"));
    }
    SystemEntries.Change created = system.created(cmd);
    if (created.rejected() != null) return effects.reply(cmd.replyTo(), created.rejected());
    return writes
        .write(state, created.entry(), cmd.replyTo())
        .thenRun(s -> memberLinks.link(created.added()))
        .thenRun(s -> writes.deliver(s, created.entry(), List.of()))
        .thenReply(cmd.replyTo(), s -> new Posted(s.lastSeq(), created.entry().ts()));
  }

  ReplyEffect<Event, TimelineState> onManage(TimelineState state, Manage cmd) {
    if (!conv.isGroup() || !state.membership().isMember(cmd.by())) {
      return reads.reject(cmd.replyTo(), ErrorCode.FORBIDDEN);
    }
    SystemEntries.Change change = system.change(state.membership(), cmd);
    if (change.rejected() != null) return effects.reply(cmd.replyTo(), change.rejected());
    if (change.entry() == null) {
      return effects.reply(cmd.replyTo(), new Posted(state.lastSeq(), System.currentTimeMillis()));
    }
    return writes
        .write(state, change.entry(), cmd.replyTo())
        .thenRun(s -> memberLinks.link(change.added()))
        .thenRun(s -> memberLinks.unlink(change.removed()))
        .thenRun(s -> writes.deliver(s, change.entry(), change.removed()))
        .thenReply(cmd.replyTo(), s -> new Posted(s.lastSeq(), change.entry().ts()));
  }
}
