package io.parley.user;

import io.parley.user.PeopleProtocol.Blocks;
import io.parley.user.PeopleProtocol.BlocksUser;
import io.parley.user.PeopleProtocol.DirectoryListed;
import io.parley.user.PeopleProtocol.GetPresence;
import io.parley.user.PeopleProtocol.ListAgain;
import io.parley.user.PeopleProtocol.PresenceView;
import io.parley.user.PeopleProtocol.Relisted;
import io.parley.user.UserEntity.Command;
import io.parley.user.UserEntity.Event;
import io.parley.user.UserEntity.PeopleCommand;
import io.parley.user.UserEntity.State;
import java.time.Duration;
import java.util.Objects;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * Keeps the user's rows in the people {@link Directory} in step with the account, and answers what
 * other users' searches and presence lists ask of this user. Part of one user entity's actor.
 *
 * <p>The journal says what the directory should hold ({@link Account#listing}) and what it was last
 * seen to hold ({@link Account#listed}, stored once a write succeeded). Whenever they differ, one
 * write at a time brings the directory in line: after a change, when the entity starts (so a write
 * lost to a crash is made on the user's next login or hello) and, after a failure, every {@code
 * parley.people.relist-retry}. Never a write per message.
 */
final class DirectoryListing {
  private final EffectFactories<Event, State> effects;
  private final ActorContext<Command> ctx;
  private final String userId;
  private final Directory directory;
  private final Duration retry;
  private final Sessions sessions;
  private boolean writing;
  private boolean checked;

  DirectoryListing(
      EffectFactories<Event, State> effects,
      ActorContext<Command> ctx,
      String userId,
      UserDeps deps,
      Sessions sessions) {
    this.effects = effects;
    this.ctx = ctx;
    this.userId = userId;
    this.directory = deps.directory();
    this.retry = deps.relistRetry();
    this.sessions = sessions;
  }

  /** The first command of an incarnation: the state is recovered, so look once. */
  void started(State state) {
    if (checked) return;
    checked = true;
    relist(state);
  }

  ReplyEffect<Event, State> on(State state, PeopleCommand command) {
    if (command instanceof GetPresence c) {
      boolean friend = state.contacts().friends().contains(c.asker());
      return effects.reply(
          c.replyTo(),
          new PresenceView(friend, friend && sessions.online(), state.account().lastSeen()));
    }
    if (command instanceof BlocksUser c) {
      return effects.reply(c.replyTo(), new Blocks(state.contacts().blocked().contains(c.other())));
    }
    if (command instanceof Relisted r) return relisted(state, r);
    if (command == ListAgain.INSTANCE) relist(state);
    return effects.noReply();
  }

  /** Starts the directory write that brings it in line with {@code state}, unless one is on. */
  void relist(State state) {
    if (writing || directory == Directory.NONE) return;
    String target = state.account().listing();
    String listed = state.account().listed();
    if (Objects.equals(target, listed)) return;
    writing = true;
    ctx.pipeToSelf(
        directory.relist(userId, listed, target),
        (done, failure) -> {
          if (failure != null) {
            ctx.getLog().warn("directory write for {} failed: {}", userId, failure.getMessage());
          }
          return new Relisted(target, failure == null);
        });
  }

  private ReplyEffect<Event, State> relisted(State state, Relisted r) {
    writing = false;
    if (!r.ok()) {
      ctx.scheduleOnce(retry, ctx.getSelf(), ListAgain.INSTANCE);
      return effects.noReply();
    }
    // The account may have changed meanwhile: then the next write follows this one.
    return effects.persist(new DirectoryListed(r.nickname())).thenRun(this::relist).thenNoReply();
  }
}
