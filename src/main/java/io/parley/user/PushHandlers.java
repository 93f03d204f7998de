package io.parley.user;

import io.parley.user.PushDevices.Registered;
import io.parley.user.PushProtocol.GetPushDevices;
import io.parley.user.PushProtocol.PushDeviceRegistered;
import io.parley.user.PushProtocol.PushDeviceRemoved;
import io.parley.user.PushProtocol.RegisterPushDevice;
import io.parley.user.PushProtocol.RemovePushDevice;
import io.parley.user.PushProtocol.UnregisterPushDevice;
import io.parley.user.UserEntity.Event;
import io.parley.user.UserEntity.PushCommand;
import io.parley.user.UserEntity.State;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The user entity's push devices: registrations are state ({@link PushDevices}), at most {@code
 * parley.push.max-devices-per-user} of them. Part of one user entity's actor.
 */
final class PushHandlers {
  private final EffectFactories<Event, State> effects;
  private final UserDeps deps;

  PushHandlers(EffectFactories<Event, State> effects, UserDeps deps) {
    this.effects = effects;
    this.deps = deps;
  }

  ReplyEffect<Event, State> on(State state, PushCommand command) {
    if (command instanceof RegisterPushDevice c) return onRegister(state, c);
    if (command instanceof UnregisterPushDevice c) return onUnregister(state, c);
    if (command instanceof RemovePushDevice c) return onRemoveDead(state, c);
    return effects.reply(((GetPushDevices) command).replyTo(), state.push().view());
  }

  private ReplyEffect<Event, State> onRegister(State state, RegisterPushDevice cmd) {
    PushDevices.Device now = state.push().devices().get(cmd.device());
    if (now != null
        && now.provider() == cmd.provider()
        && now.token().equals(cmd.token())
        && now.preview() == cmd.preview()
        && java.util.Objects.equals(now.tokenId(), cmd.tokenId())) {
      return effects.reply(cmd.replyTo(), Registered.DONE); // an app registers at every start
    }
    if (state.push().full(cmd.device(), cmd.provider(), cmd.token(), deps.push().maxDevices()))
      return effects.reply(cmd.replyTo(), Registered.TOO_MANY);
    var registered =
        new PushDeviceRegistered(
            cmd.device(),
            cmd.provider(),
            cmd.token(),
            cmd.preview(),
            cmd.tokenId(),
            System.currentTimeMillis());
    return effects.persist(registered).thenReply(cmd.replyTo(), s -> Registered.DONE);
  }

  private ReplyEffect<Event, State> onUnregister(State state, UnregisterPushDevice cmd) {
    return remove(state.push().devices().containsKey(cmd.device()), cmd.device(), cmd.replyTo());
  }

  /** Only while the device still has that token: it may have registered a new one meanwhile. */
  private ReplyEffect<Event, State> onRemoveDead(State state, RemovePushDevice cmd) {
    return remove(state.push().holds(cmd.device(), cmd.token()), cmd.device(), cmd.replyTo());
  }

  private ReplyEffect<Event, State> remove(boolean present, String device, ActorRef<Done> replyTo) {
    if (!present) {
      return replyTo == null ? effects.noReply() : effects.reply(replyTo, Done.getInstance());
    }
    var removed = effects.persist(new PushDeviceRemoved(device));
    return replyTo == null
        ? removed.thenNoReply()
        : removed.thenReply(replyTo, s -> Done.getInstance());
  }
}
