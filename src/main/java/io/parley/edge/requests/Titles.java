package io.parley.edge.requests;

import io.parley.conversation.ConversationId;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The titles of one user's conversations, for one hello sync or one conversations list: a group's
 * is its own (the conversation says it), a room's is its name, a direct conversation's is the other
 * member's nickname, asked of their user entity (one ask per direct conversation), or their id when
 * they have none or do not answer within {@code timeout}.
 *
 * <p>Once one such ask has gone unanswered, the rest of this sync takes ids without asking: a user
 * with 1,000 direct conversations whose peers' entities are moving after a crash would otherwise
 * wait a timeout per {@code sync-parallelism} conversations (a minute), not one timeout. Shared by
 * the asks in flight; each is a few entity asks beside the conversation's own.
 */
final class Titles {
  private final ClusterSharding sharding;
  private final Duration timeout;
  private volatile boolean givenUp;

  Titles(ClusterSharding sharding, Duration timeout) {
    this.sharding = sharding;
    this.timeout = timeout;
  }

  /**
   * The title of {@code conv} as {@code user} sees it, or null for a group's (the conversation's
   * own summary carries it).
   */
  CompletionStage<String> of(String user, String conv) {
    ConversationId id = ConversationId.parse(conv).orElse(null);
    if (id == null || id.isGroup()) return CompletableFuture.completedFuture(null);
    if (id.isRoom()) return CompletableFuture.completedFuture(conv.substring(2));
    String other = id.members().get(0).equals(user) ? id.members().get(1) : id.members().get(0);
    if (givenUp) return CompletableFuture.completedFuture(other);
    return sharding
        .entityRefFor(UserEntity.ENTITY_KEY, other)
        .<UserEntity.Profile>ask(UserEntity.GetProfile::new, timeout)
        .handle(
            (profile, failure) -> {
              if (failure != null) givenUp = true;
              return profile != null && profile.nickname() != null ? profile.nickname() : other;
            });
  }
}
