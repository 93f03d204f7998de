package io.parley.user;

import io.parley.push.Push;
import io.parley.timeline.Entry;
import io.parley.user.UserEntity.Attach;
import io.parley.user.UserEntity.Deliver;
import io.parley.user.UserEntity.Detach;
import io.parley.user.UserEntity.Event;
import io.parley.user.UserEntity.FriendPresence;
import io.parley.user.UserEntity.ReadReceipt;
import io.parley.user.UserEntity.State;
import io.parley.user.UserEntity.WentOffline;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The user entity's device sessions: attaching and detaching them (presence follows), and the
 * pushes core sends them (and, for devices without a session, {@link PushHandlers}). Nothing here
 * is stored but going offline. Part of one user entity's actor.
 */
final class SessionHandlers {
  private final EffectFactories<Event, State> effects;
  private final Sessions sessions;
  private final Presence presence;
  private final String userId;
  private final PushHandlers push;

  SessionHandlers(
      EffectFactories<Event, State> effects,
      Sessions sessions,
      Presence presence,
      String userId,
      PushHandlers push) {
    this.effects = effects;
    this.sessions = sessions;
    this.presence = presence;
    this.userId = userId;
    this.push = push;
  }

  ReplyEffect<Event, State> onAttach(State state, Attach cmd) {
    if (state.revoked().contains(cmd.tokenId())) {
      // It missed the push when its token was revoked, or connected just before: it closes now.
      cmd.session().tell(new Push.TokenRevoked(cmd.tokenId()));
      return effects.noReply();
    }
    if (sessions.attach(cmd.session(), cmd.device(), cmd.tokenId()) && state.registered()) {
      presence.announce(state.contacts().friends(), Presence.ONLINE, null);
    }
    return effects.noReply();
  }

  ReplyEffect<Event, State> onDetach(State state, Detach cmd) {
    if (!sessions.detach(cmd.session()) || !state.registered()) return effects.noReply();
    long now = System.currentTimeMillis();
    return effects
        .persist(new WentOffline(now))
        .thenRun(s -> presence.announce(s.contacts().friends(), Presence.OFFLINE, now))
        .thenNoReply();
  }

  /**
   * Sharding stops the entity (its shard moves to another node, or it is passivated): its sessions
   * attach again, to wherever it starts next, rather than miss its pushes until their refresh.
   */
  ReplyEffect<Event, State> onStop() {
    sessions.push(Push.AttachAgain.INSTANCE);
    return effects.stop().thenNoReply();
  }

  ReplyEffect<Event, State> onFriendPresence(State state, FriendPresence cmd) {
    // Pending counts: the new friend's presence can arrive before this side stored the accept.
    if (!state.contacts().knows(cmd.friend())) return effects.noReply();
    return pushed(new Push.PresenceChanged(cmd.friend(), cmd.state(), cmd.lastSeen()));
  }

  ReplyEffect<Event, State> onReadReceipt(State state, ReadReceipt cmd) {
    return pushed(new Push.ReadMarker(cmd.conv(), cmd.user(), cmd.seq(), null));
  }

  ReplyEffect<Event, State> onDeliver(State state, Deliver cmd) {
    Entry entry = cmd.entry();
    // Own entries count as read without a write here: the conversation knows each member's
    // latest own seq, and unread is computed from both (Requests.summary).
    if (cmd.traceparent() == null) sessions.deliver(entry);
    else sessions.pushTraced(entry, cmd.traceparent(), userId);
    // Devices with no live session may get it through their push provider, a little later.
    push.saw(state, entry);
    if (unlisted(state, entry)) {
      // A conversation's entries reach its members only: one that reaches a user whose list
      // lacks it means its "list it" was lost (a group's, see conversation.MemberLinks). Repair.
      return effects.persist(new UserEntity.ConversationLinked(entry.conv())).thenNoReply();
    }
    return effects.noReply();
  }

  private boolean unlisted(State state, Entry entry) {
    return state.registered() && !state.isMember(entry.conv()) && !entry.removes(userId);
  }

  ReplyEffect<Event, State> pushed(Push push) {
    sessions.push(push);
    return effects.noReply();
  }
}
