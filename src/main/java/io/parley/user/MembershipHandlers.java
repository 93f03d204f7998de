package io.parley.user;

import io.parley.push.Push;
import io.parley.user.UserEntity.AddedToGroup;
import io.parley.user.UserEntity.AdvanceCursors;
import io.parley.user.UserEntity.ConsentToGroup;
import io.parley.user.UserEntity.ConversationLinked;
import io.parley.user.UserEntity.ConversationUnlinked;
import io.parley.user.UserEntity.CursorsAdvanced;
import io.parley.user.UserEntity.Event;
import io.parley.user.UserEntity.LinkConversation;
import io.parley.user.UserEntity.LinkReply;
import io.parley.user.UserEntity.MarkRead;
import io.parley.user.UserEntity.ReadMarked;
import io.parley.user.UserEntity.ReadReply;
import io.parley.user.UserEntity.State;
import io.parley.user.UserEntity.UnlinkConversation;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The user entity's conversations: being listed in one (a group only with {@link GroupConsent}),
 * leaving it, the read marker (told to the user's devices and to the conversation) and each
 * device's delivery cursors. Part of one user entity's actor.
 */
final class MembershipHandlers {
  private final EffectFactories<Event, State> effects;
  private final String userId;
  private final Sessions sessions;
  private final ConversationNotices notices;
  private final GroupConsent consent;
  // Per direct conversation, the highest seq any device of the user acked while this entity runs
  // (in memory: a receipt costs no write; after a restart it starts from the stored cursors).
  private final Map<String, Long> delivered = new HashMap<>();

  MembershipHandlers(
      EffectFactories<Event, State> effects,
      String userId,
      Sessions sessions,
      ConversationNotices notices,
      GroupConsent consent) {
    this.effects = effects;
    this.userId = userId;
    this.sessions = sessions;
    this.notices = notices;
    this.consent = consent;
  }

  ReplyEffect<Event, State> onLink(State state, LinkConversation cmd) {
    if (!state.registered()) return effects.reply(cmd.replyTo(), new LinkReply(false, Set.of()));
    LinkReply linked = new LinkReply(true, state.contacts().blocksAmong(cmd.others()));
    if (state.isMember(cmd.conv())) return effects.reply(cmd.replyTo(), linked);
    return effects
        .persist(new ConversationLinked(cmd.conv()))
        .thenReply(cmd.replyTo(), s -> linked);
  }

  ReplyEffect<Event, State> onConsentToGroup(State state, ConsentToGroup cmd) {
    long now = System.currentTimeMillis();
    GroupConsent.Decision decision = consent.decide(state, cmd.inviter(), cmd.conv(), now);
    if (!cmd.reserve() || !decision.counts())
      return effects.reply(cmd.replyTo(), decision.answer());
    return effects
        .persist(new AddedToGroup(cmd.conv(), cmd.inviter(), now))
        .thenReply(cmd.replyTo(), s -> decision.answer());
  }

  ReplyEffect<Event, State> onUnlink(State state, UnlinkConversation cmd) {
    if (!state.isMember(cmd.conv())) {
      return cmd.replyTo() == null
          ? effects.noReply()
          : effects.reply(cmd.replyTo(), Done.getInstance());
    }
    var persisted = effects.persist(new ConversationUnlinked(cmd.conv()));
    return cmd.replyTo() == null
        ? persisted.thenNoReply()
        : persisted.thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  ReplyEffect<Event, State> onMarkRead(State state, MarkRead cmd) {
    if (!state.isMember(cmd.conv())) return effects.reply(cmd.replyTo(), ReadReply.NOT_A_MEMBER);
    if (cmd.seq() <= state.inbox().readSeq(cmd.conv()))
      return effects.reply(cmd.replyTo(), ReadReply.DONE);
    return effects
        .persist(new ReadMarked(cmd.conv(), cmd.seq()))
        .thenRun(
            s -> {
              sessions.push(new Push.ReadMarker(cmd.conv(), userId, cmd.seq(), cmd.device()));
              notices.read(cmd.conv(), userId, cmd.seq());
            })
        .thenReply(cmd.replyTo(), s -> ReadReply.DONE);
  }

  /**
   * Tells the conversation when an ack raises the highest seq any device of the user holds (it
   * sends the other member a delivered receipt). Stored cursors count: a device's ack below what
   * another device already stored is no news.
   */
  ReplyEffect<Event, State> onAcked(State state, UserEntity.Acked cmd) {
    if (!state.isMember(cmd.conv())) return effects.noReply();
    long highest = delivered.computeIfAbsent(cmd.conv(), conv -> state.inbox().deliveredUpTo(conv));
    if (cmd.seq() > highest) {
      delivered.put(cmd.conv(), cmd.seq());
      notices.delivered(cmd.conv(), userId, cmd.seq());
    }
    return effects.noReply();
  }

  ReplyEffect<Event, State> onAdvanceCursors(State state, AdvanceCursors cmd) {
    Map<String, Long> moved = state.inbox().advancing(cmd.device(), cmd.delivered());
    if (moved.isEmpty()) {
      return cmd.replyTo() == null
          ? effects.noReply()
          : effects.reply(cmd.replyTo(), Done.getInstance());
    }
    var persisted = effects.persist(new CursorsAdvanced(cmd.device(), moved));
    return cmd.replyTo() == null
        ? persisted.thenNoReply()
        : persisted.thenReply(cmd.replyTo(), s -> Done.getInstance());
  }
}
