package io.parley.conversation;

import io.parley.conversation.ConversationEntity.Command;
import io.parley.conversation.ConversationEntity.Event;
import io.parley.conversation.ConversationEntity.ForwardRead;
import io.parley.conversation.ConversationEntity.GetSummary;
import io.parley.conversation.ConversationEntity.Page;
import io.parley.conversation.ConversationEntity.RoomNodeGone;
import io.parley.conversation.ConversationEntity.SubscribeRoom;
import io.parley.conversation.ConversationEntity.Typing;
import io.parley.conversation.Replies.Rejected;
import io.parley.conversation.Replies.Summary;
import io.parley.protocol.ErrorCode;
import io.parley.push.Push;
import io.parley.timeline.Entry;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The conversation's commands that write nothing to its timeline: who may use it, history ranges
 * and summaries read from its state, and what only passes through it (read receipts, typing, room
 * subscriptions). The timeline's writes stay in {@link ConversationEntity}.
 */
final class ConversationReads {
  private final ActorContext<Command> ctx;
  private final ConversationId conv;
  private final Fanout fanout;
  private final EffectFactories<Event, TimelineState> effects;

  ConversationReads(
      ActorContext<Command> ctx,
      ConversationId conv,
      Fanout fanout,
      EffectFactories<Event, TimelineState> effects) {
    this.ctx = ctx;
    this.conv = conv;
    this.fanout = fanout;
    this.effects = effects;
  }

  /** Direct: the two in the id; group: the current members; room: everyone (edge checks joins). */
  boolean mayUse(TimelineState state, String user) {
    return switch (conv.kind()) {
      case DIRECT -> conv.hasMember(user);
      case GROUP -> state.membership().isMember(user);
      case ROOM -> true;
    };
  }

  List<String> members(TimelineState state) {
    return conv.isDirect() ? conv.members() : state.membership().users();
  }

  Entry entryAt(long seq, Timeline.Appended e) {
    return new Entry(conv.value(), seq, e.from(), e.cid(), e.kind(), e.body(), e.ts());
  }

  ReplyEffect<Event, TimelineState> reject(ActorRef<? super Rejected> replyTo, ErrorCode code) {
    return effects.reply(replyTo, Replies.rejected(code));
  }

  ReplyEffect<Event, TimelineState> onPage(TimelineState state, Page cmd) {
    if (!mayUse(state, cmd.user())) return reject(cmd.replyTo(), ErrorCode.FORBIDDEN);
    return effects.reply(
        cmd.replyTo(), Pages.range(state.lastSeq(), firstSeq(state, cmd.user()), cmd));
  }

  /** The first entry user may read: in a group, the one that last added them (history's start). */
  private long firstSeq(TimelineState state, String user) {
    return conv.isGroup()
        ? state.membership().member(user).map(Membership.Member::joinedSeq).orElse(1L)
        : 1;
  }

  ReplyEffect<Event, TimelineState> onSummary(TimelineState state, GetSummary cmd) {
    if (!mayUse(state, cmd.user())) return reject(cmd.replyTo(), ErrorCode.FORBIDDEN);
    Timeline.Appended last = state.last();
    Entry lastEntry = last == null ? null : entryAt(state.lastSeq(), last);
    return effects.reply(
        cmd.replyTo(),
        new Summary(
            conv.value(),
            conv.kind().wire(),
            state.membership().title(),
            state.lastSeq(),
            state.lastOwn(cmd.user()),
            state.epoch(),
            lastEntry,
            firstSeq(state, cmd.user()),
            state.membership().roleOf(cmd.user())));
  }

  /** Groups only: the edge answers for direct conversations and refuses rooms. */
  ReplyEffect<Event, TimelineState> onMembers(
      TimelineState state, ConversationEntity.GetMembers cmd) {
    if (!conv.isGroup() || !mayUse(state, cmd.user()))
      return reject(cmd.replyTo(), ErrorCode.FORBIDDEN);
    return effects.reply(cmd.replyTo(), state.membership().page(cmd.after(), cmd.limit()));
  }

  ReplyEffect<Event, TimelineState> onForwardRead(TimelineState state, ForwardRead cmd) {
    if (!conv.isRoom() && mayUse(state, cmd.user())) {
      fanout.readReceipt(others(state, cmd.user()), cmd.user(), cmd.seq());
    }
    return effects.noReply();
  }

  /**
   * Direct conversations only: in a group every ack of every member's devices would cost a message
   * to every other member's user entity (members x acks), for a tick few group apps show.
   */
  ReplyEffect<Event, TimelineState> onForwardDelivered(
      TimelineState state, ConversationEntity.ForwardDelivered cmd) {
    if (conv.isDirect() && mayUse(state, cmd.user())) {
      fanout.deliveredReceipt(others(state, cmd.user()), cmd.user(), cmd.seq());
    }
    return effects.noReply();
  }

  ReplyEffect<Event, TimelineState> onTyping(TimelineState state, Typing cmd) {
    if (!conv.isRoom() && mayUse(state, cmd.user())) {
      fanout.notify(others(state, cmd.user()), new Push.TypingNotice(conv.value(), cmd.user()));
    }
    return effects.noReply();
  }

  private List<String> others(TimelineState state, String user) {
    return members(state).stream().filter(m -> !m.equals(user)).toList();
  }

  ReplyEffect<Event, TimelineState> onSubscribeRoom(TimelineState state, SubscribeRoom cmd) {
    if (conv.isRoom() && fanout.subscribe(cmd.node()))
      ctx.watchWith(cmd.node(), new RoomNodeGone(cmd.node()));
    return effects.reply(cmd.replyTo(), Done.getInstance());
  }

  ReplyEffect<Event, TimelineState> onRoomNodeGone(TimelineState state, RoomNodeGone gone) {
    fanout.unsubscribe(gone.node());
    return effects.noReply();
  }
}
