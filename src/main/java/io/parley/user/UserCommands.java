package io.parley.user;

import io.parley.push.Push;
import io.parley.user.UserEntity.AdvanceCursors;
import io.parley.user.UserEntity.Attach;
import io.parley.user.UserEntity.ChangeContact;
import io.parley.user.UserEntity.CheckToken;
import io.parley.user.UserEntity.Command;
import io.parley.user.UserEntity.ConsentToGroup;
import io.parley.user.UserEntity.ContactFrom;
import io.parley.user.UserEntity.Conversations;
import io.parley.user.UserEntity.Credentials;
import io.parley.user.UserEntity.Deliver;
import io.parley.user.UserEntity.Detach;
import io.parley.user.UserEntity.DeviceState;
import io.parley.user.UserEntity.Event;
import io.parley.user.UserEntity.FriendPresence;
import io.parley.user.UserEntity.GetContacts;
import io.parley.user.UserEntity.GetConversations;
import io.parley.user.UserEntity.GetCredentials;
import io.parley.user.UserEntity.GetDeviceState;
import io.parley.user.UserEntity.GetProfile;
import io.parley.user.UserEntity.LinkConversation;
import io.parley.user.UserEntity.MarkRead;
import io.parley.user.UserEntity.Notify;
import io.parley.user.UserEntity.PushCommand;
import io.parley.user.UserEntity.ReadReceipt;
import io.parley.user.UserEntity.Register;
import io.parley.user.UserEntity.RevokeToken;
import io.parley.user.UserEntity.State;
import io.parley.user.UserEntity.TokenStatus;
import io.parley.user.UserEntity.UnlinkConversation;
import io.parley.user.UserEntity.UpdateProfile;
import java.util.Map;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * Routes each of the user entity's commands to its handler, by concern (contacts, account,
 * sessions, conversations); the queries are answered here from the state. One method rather than a
 * builder case per command (see {@link #onCommand}).
 */
final class UserCommands {
  private final EffectFactories<Event, State> effects;
  private final ContactHandlers contactHandlers;
  private final AccountHandlers accountHandlers;
  private final SessionHandlers sessionHandlers;
  private final MembershipHandlers membershipHandlers;
  private final PushHandlers pushHandlers;
  private final DirectoryListing listing;

  UserCommands(
      EffectFactories<Event, State> effects,
      ContactHandlers contactHandlers,
      AccountHandlers accountHandlers,
      SessionHandlers sessionHandlers,
      MembershipHandlers membershipHandlers,
      PushHandlers pushHandlers,
      DirectoryListing listing) {
    this.effects = effects;
    this.listing = listing;
    this.contactHandlers = contactHandlers;
    this.accountHandlers = accountHandlers;
    this.sessionHandlers = sessionHandlers;
    this.membershipHandlers = membershipHandlers;
    this.pushHandlers = pushHandlers;
  }

  /** One user entity's handlers, sharing its sessions. */
  static UserCommands of(
      EffectFactories<Event, State> effects,
      ActorContext<Command> ctx,
      String userId,
      UserDeps deps) {
    Sessions sessions = new Sessions(ctx, deps.missedWindowNanos());
    Presence presence = new Presence(userId, deps.sharding());
    Coalescer coalescer = new Coalescer(ctx, deps.push().coalesce());
    PushHandlers push = new PushHandlers(effects, ctx, coalescer, userId, sessions, deps);
    DirectoryListing listing = new DirectoryListing(effects, ctx, userId, deps, sessions);
    return new UserCommands(
        effects,
        new ContactHandlers(
            effects, userId, sessions, presence, deps.notices(), deps.maxPendingRequests()),
        new AccountHandlers(effects, sessions, listing),
        new SessionHandlers(effects, sessions, presence, userId, push),
        new MembershipHandlers(effects, userId, sessions, deps.notices(), deps.consent()),
        push,
        listing);
  }

  /**
   * One handler rather than a builder case per command: a builder's cases and their lambdas are
   * built again for every entity, about 3 KB that each online user would carry (the same reason as
   * {@code Session.createReceive}). The commonest commands come first.
   */
  ReplyEffect<Event, State> onCommand(State state, Command command) {
    listing.started(state);
    if (command instanceof Deliver c) return sessionHandlers.onDeliver(state, c);
    if (command instanceof Attach c) return sessionHandlers.onAttach(state, c);
    if (command instanceof AdvanceCursors c) return membershipHandlers.onAdvanceCursors(state, c);
    if (command instanceof ReadReceipt c) return sessionHandlers.onReadReceipt(state, c);
    if (command instanceof UserEntity.Acked c) return membershipHandlers.onAcked(state, c);
    if (command instanceof UserEntity.DeliveredReceipt c)
      return sessionHandlers.pushed(new Push.Delivered(c.conv(), c.user(), c.seq()));
    if (command instanceof Notify c) return sessionHandlers.pushed(c.push());
    if (command instanceof FriendPresence c) return sessionHandlers.onFriendPresence(state, c);
    if (command instanceof Detach c) return sessionHandlers.onDetach(state, c);
    if (command == UserEntity.Stop.INSTANCE) return sessionHandlers.onStop();
    if (command instanceof CheckToken c) {
      return effects.reply(c.replyTo(), new TokenStatus(state.revoked().contains(c.tokenId())));
    }
    if (command instanceof GetDeviceState c) {
      var delivered = state.inbox().delivered().getOrDefault(c.device(), Map.of());
      return effects.reply(c.replyTo(), new DeviceState(state.inbox().reads(), delivered));
    }
    if (command instanceof MarkRead c) return membershipHandlers.onMarkRead(state, c);
    if (command instanceof LinkConversation c) return membershipHandlers.onLink(state, c);
    if (command instanceof UnlinkConversation c) return membershipHandlers.onUnlink(state, c);
    if (command instanceof GetConversations c)
      return effects.reply(c.replyTo(), new Conversations(state.inbox().reads()));
    if (command instanceof GetCredentials c)
      return effects.reply(c.replyTo(), new Credentials(state.account().passwordHash()));
    if (command instanceof Register c) return accountHandlers.onRegister(state, c);
    if (command instanceof ContactFrom c) return contactHandlers.onContactFrom(state, c);
    if (command instanceof ChangeContact c) return contactHandlers.onChangeContact(state, c);
    if (command instanceof GetContacts c)
      return effects.reply(c.replyTo(), state.contacts().view());
    if (command instanceof GetProfile c)
      return effects.reply(c.replyTo(), state.account().profile());
    if (command instanceof UpdateProfile c) return accountHandlers.onUpdateProfile(state, c);
    if (command instanceof RevokeToken c) return accountHandlers.onRevokeToken(state, c);
    if (command instanceof ConsentToGroup c) return membershipHandlers.onConsentToGroup(state, c);
    if (command instanceof PushCommand c) return pushHandlers.on(state, c);
    if (command instanceof UserEntity.PeopleCommand c) return listing.on(state, c);
    throw new IllegalArgumentException("unknown command " + command.getClass().getName());
  }
}
