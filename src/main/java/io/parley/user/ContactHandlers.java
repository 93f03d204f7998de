package io.parley.user;

import io.parley.push.Push;
import io.parley.user.UserEntity.ChangeContact;
import io.parley.user.UserEntity.ContactFrom;
import io.parley.user.UserEntity.ContactsChanged;
import io.parley.user.UserEntity.Event;
import io.parley.user.UserEntity.State;
import org.apache.pekko.Done;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The user entity's contact commands: another user's op on this side ({@link ContactFrom}) and this
 * user's own side once the other has answered ({@link ChangeContact}). Both are idempotent (see
 * {@link Contacts}); a block change is also told to the direct conversation, which enforces it.
 * Part of one user entity's actor.
 */
final class ContactHandlers {
  private final EffectFactories<Event, State> effects;
  private final String userId;
  private final Sessions sessions;
  private final Presence presence;
  private final ConversationNotices notices;
  private final int maxPendingRequests;

  ContactHandlers(
      EffectFactories<Event, State> effects,
      String userId,
      Sessions sessions,
      Presence presence,
      ConversationNotices notices,
      int maxPendingRequests) {
    this.effects = effects;
    this.userId = userId;
    this.sessions = sessions;
    this.presence = presence;
    this.notices = notices;
    this.maxPendingRequests = maxPendingRequests;
  }

  ReplyEffect<Event, State> onContactFrom(State state, ContactFrom cmd) {
    if (!state.registered()) return effects.reply(cmd.replyTo(), Contacts.Answer.UNKNOWN_USER);
    Contacts.Incoming in = state.contacts().incoming(cmd.op(), cmd.from(), maxPendingRequests);
    if (in.change() == null) return effects.reply(cmd.replyTo(), in.answer());
    return effects
        .persist(new ContactsChanged(cmd.from(), in.change()))
        .thenRun(
            s -> {
              if (in.event() != null)
                sessions.push(new Push.ContactChanged(in.event(), cmd.from()));
              if (in.change() == Contacts.Change.FRIEND_ADDED)
                presence.tellNewFriend(cmd.from(), sessions.online(), s.account().lastSeen());
            })
        .thenReply(cmd.replyTo(), s -> in.answer());
  }

  ReplyEffect<Event, State> onChangeContact(State state, ChangeContact cmd) {
    Contacts.Change change = cmd.change();
    boolean blockChange = change == Contacts.Change.BLOCKED || change == Contacts.Change.UNBLOCKED;
    if (state.contacts().apply(change, cmd.other()).equals(state.contacts())) {
      // A retry: tell the conversation again, in case the first tell was lost.
      if (blockChange) tellConversation(cmd.other(), change);
      return effects.reply(cmd.replyTo(), Done.getInstance());
    }
    return effects
        .persist(new ContactsChanged(cmd.other(), change))
        .thenRun(
            s -> {
              if (blockChange) tellConversation(cmd.other(), change);
              if (change == Contacts.Change.FRIEND_ADDED)
                presence.tellNewFriend(cmd.other(), sessions.online(), s.account().lastSeen());
            })
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  /** The direct conversation enforces blocks; it also asks on start (LinkConversation). */
  private void tellConversation(String other, Contacts.Change change) {
    notices.blockChanged(userId, other, change == Contacts.Change.BLOCKED);
  }
}
