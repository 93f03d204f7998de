package io.parley.conversation;

import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Keeps a group in its members' conversation lists and takes it out of leavers' lists. The list is
 * the user entity's, derived from the group's membership entries, so each change is asked for and
 * asked again until the user entity answers: a change told once and lost (a node gone, an entity
 * moving) would leave a member who never sees the group in their list or catch-up.
 *
 * <p>While the conversation lives, a change is retried with a growing pause (from {@code
 * parley.conversation.link-retry.min} doubling to its max); only the latest change per user counts,
 * and asks to one user entity travel one sharding path, in order, so a late "list it" never
 * overtakes the "take it out" after it. What an incarnation could not finish (its node died, or it
 * was passivated with a user entity still silent) the user entity repairs: it lists a group it gets
 * an entry of as a member ({@code SessionHandlers.onDeliver}). Asking every member again after each
 * recovery would wake up to 5,000 user entities each time a young group is recovered.
 */
final class MemberLinks {

  private final ActorContext<ConversationEntity.Command> ctx;
  private final ClusterSharding sharding;
  private final String conv;
  private final Duration timeout;
  private final ConversationSettings.Backoff retry;
  // Per user, the change still unanswered (true: list it, false: take it out) and its attempts.
  private final Map<String, Boolean> pending = new HashMap<>();
  private final Map<String, Integer> attempts = new HashMap<>();

  MemberLinks(
      ActorContext<ConversationEntity.Command> ctx,
      ClusterSharding sharding,
      String conv,
      Duration timeout,
      ConversationSettings.Backoff retry) {
    this.ctx = ctx;
    this.sharding = sharding;
    this.conv = conv;
    this.timeout = timeout;
    this.retry = retry;
  }

  void link(Collection<String> users) {
    users.forEach(user -> start(user, true));
  }

  void unlink(Collection<String> users) {
    users.forEach(user -> start(user, false));
  }

  /** An answer, or a timeout (ok false), to a change asked of user. */
  void answered(ConversationEntity.LinkAnswered a) {
    Boolean change = pending.get(a.user());
    if (change == null || change != a.link()) return; // a later change replaced it
    if (a.ok()) {
      pending.remove(a.user());
      attempts.remove(a.user());
      return;
    }
    int n = attempts.merge(a.user(), 1, Integer::sum);
    Duration pause = retry.min().multipliedBy(1L << Math.min(n - 1, 20));
    if (pause.compareTo(retry.max()) > 0) pause = retry.max();
    ctx.scheduleOnce(pause, ctx.getSelf(), new ConversationEntity.RetryLink(a.user()));
  }

  void retry(ConversationEntity.RetryLink r) {
    Boolean change = pending.get(r.user());
    if (change != null) ask(r.user(), change);
  }

  int unanswered() {
    return pending.size();
  }

  private void start(String user, boolean link) {
    pending.put(user, link);
    attempts.remove(user);
    ask(user, link);
  }

  private void ask(String user, boolean link) {
    EntityRef<UserEntity.Command> entity = sharding.entityRefFor(UserEntity.ENTITY_KEY, user);
    if (link) {
      ctx.ask(
          UserEntity.LinkReply.class,
          entity,
          timeout,
          replyTo -> new UserEntity.LinkConversation(conv, List.of(), replyTo),
          (reply, failure) -> new ConversationEntity.LinkAnswered(user, true, failure == null));
    } else {
      ctx.ask(
          Done.class,
          entity,
          timeout,
          replyTo -> new UserEntity.UnlinkConversation(conv, replyTo),
          (reply, failure) -> new ConversationEntity.LinkAnswered(user, false, failure == null));
    }
  }
}
