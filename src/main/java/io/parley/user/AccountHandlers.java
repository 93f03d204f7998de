package io.parley.user;

import io.parley.push.Push;
import io.parley.user.PushProtocol.PushDeviceRemoved;
import io.parley.user.UserEntity.Event;
import io.parley.user.UserEntity.LoggedOut;
import io.parley.user.UserEntity.ProfileUpdated;
import io.parley.user.UserEntity.Register;
import io.parley.user.UserEntity.RegisterReply;
import io.parley.user.UserEntity.Registered;
import io.parley.user.UserEntity.RevokeToken;
import io.parley.user.UserEntity.State;
import io.parley.user.UserEntity.UpdateProfile;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The user entity's account commands: registering once, the profile, and logging a token out (its
 * sessions are told at once, its devices' push registrations go). Part of one user entity's actor.
 */
final class AccountHandlers {
  private final EffectFactories<Event, State> effects;
  private final Sessions sessions;
  private final DirectoryListing listing;

  AccountHandlers(
      EffectFactories<Event, State> effects, Sessions sessions, DirectoryListing listing) {
    this.effects = effects;
    this.sessions = sessions;
    this.listing = listing;
  }

  ReplyEffect<Event, State> onRegister(State state, Register cmd) {
    if (state.registered()) return effects.reply(cmd.replyTo(), RegisterReply.TAKEN);
    return effects
        .persist(new Registered(cmd.passwordHash(), cmd.nickname(), System.currentTimeMillis()))
        .thenRun(listing::relist)
        .thenReply(cmd.replyTo(), s -> RegisterReply.CREATED);
  }

  ReplyEffect<Event, State> onUpdateProfile(State state, UpdateProfile cmd) {
    if (!state.registered()) return effects.reply(cmd.replyTo(), state.account().profile());
    String nickname = cmd.nickname() == null ? state.account().nickname() : cmd.nickname();
    String avatar =
        cmd.avatar() == null
            ? state.account().avatar()
            : cmd.avatar().isEmpty() ? null : cmd.avatar();
    boolean findable = cmd.findable() == null ? state.account().findable() : cmd.findable();
    List<Event> events = new ArrayList<>();
    if (!nickname.equals(state.account().nickname())
        || !java.util.Objects.equals(avatar, state.account().avatar())) {
      events.add(new ProfileUpdated(nickname, avatar));
    }
    if (findable != state.account().findable()) {
      events.add(new PeopleProtocol.FindableSet(findable));
    }
    if (events.isEmpty()) return effects.reply(cmd.replyTo(), state.account().profile());
    return effects
        .persist(events)
        .thenRun(listing::relist)
        .thenReply(cmd.replyTo(), s -> s.account().profile());
  }

  /** The token's devices stop getting pushes too ({@link PushDevices#loggedOut}). */
  ReplyEffect<Event, State> onRevokeToken(State state, RevokeToken cmd) {
    Push revoked = new Push.TokenRevoked(cmd.tokenId());
    if (state.revoked().contains(cmd.tokenId())) {
      sessions.push(revoked);
      return effects.reply(cmd.replyTo(), Done.getInstance());
    }
    List<Event> events = new ArrayList<>();
    events.add(new LoggedOut(cmd.tokenId(), cmd.expiresAt(), System.currentTimeMillis()));
    state
        .push()
        .loggedOut(cmd.tokenId(), cmd.device(), sessions.devicesWith(cmd.tokenId()))
        .forEach(device -> events.add(new PushDeviceRemoved(device)));
    return effects
        .persist(events)
        .thenRun(s -> sessions.push(revoked))
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }
}
