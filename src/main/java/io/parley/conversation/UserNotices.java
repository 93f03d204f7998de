package io.parley.conversation;

import io.parley.user.ConversationNotices;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** User entities' notices to conversations, through sharding (fire and forget, as before). */
public final class UserNotices implements ConversationNotices {
  private final ClusterSharding sharding;

  public UserNotices(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  @Override
  public void blockChanged(String blocker, String blocked, boolean blocking) {
    String conv = ConversationId.direct(blocker, blocked).value();
    sharding
        .entityRefFor(ConversationEntity.ENTITY_KEY, conv)
        .tell(new ConversationEntity.BlockChanged(blocker, blocked, blocking));
  }

  @Override
  public void read(String conv, String user, long seq) {
    sharding
        .entityRefFor(ConversationEntity.ENTITY_KEY, conv)
        .tell(new ConversationEntity.ForwardRead(user, seq));
  }

  @Override
  public void delivered(String conv, String user, long seq) {
    sharding
        .entityRefFor(ConversationEntity.ENTITY_KEY, conv)
        .tell(new ConversationEntity.ForwardDelivered(user, seq));
  }

  @Override
  public CompletionStage<Optional<Counts>> counts(String conv, String user, Duration timeout) {
    return sharding
        .entityRefFor(ConversationEntity.ENTITY_KEY, conv)
        .<Replies.SummaryReply>ask(
            replyTo -> new ConversationEntity.GetSummary(user, replyTo), timeout)
        .thenApply(
            reply ->
                reply instanceof Replies.Summary s
                    ? Optional.of(new Counts(s.lastSeq(), s.lastOwnSeq(), s.firstSeq()))
                    : Optional.empty());
  }
}
