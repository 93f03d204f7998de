package io.parley.conversation;

import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;

/**
 * How many of a conversation's commands have been taken from its mailbox but not yet reached its
 * command handler: while a write is in flight, Pekko Persistence holds them back (stashes them),
 * and this is that queue's depth, which its API does not expose. A post that has others queued
 * behind it can wait for them and share one write ({@link PendingPosts}).
 *
 * <p>The interceptor sits outside the event-sourced behavior, so it sees each command once, when it
 * leaves the mailbox; the handler calls {@link #taken}. A command handled twice (stashed by the
 * entity itself while a direct conversation links) makes the count low for a moment, which only
 * means less batching; a count too high is covered by the {@code Flush} the entity sends itself
 * whenever it starts holding posts back.
 *
 * <p>That {@code Flush} is not counted: a post with only a {@code Flush} behind it has nothing to
 * wait for, and holding it would cost the held posts a turn of their own until the {@code Flush}
 * writes them.
 */
final class Backlog {
  private int queued;

  /** Commands queued behind the one being handled now. */
  int behind() {
    return queued;
  }

  /** The command handler got {@code command}. */
  void taken(ConversationEntity.Command command) {
    if (counts(command) && queued > 0) queued--;
  }

  private static boolean counts(ConversationEntity.Command command) {
    return !(command instanceof ConversationEntity.Flush);
  }

  BehaviorInterceptor<ConversationEntity.Command, ConversationEntity.Command> counter() {
    return new BehaviorInterceptor<>(ConversationEntity.Command.class) {
      @Override
      public org.apache.pekko.actor.typed.Behavior<ConversationEntity.Command> aroundReceive(
          TypedActorContext<ConversationEntity.Command> ctx,
          ConversationEntity.Command msg,
          ReceiveTarget<ConversationEntity.Command> target) {
        if (counts(msg)) queued++;
        return target.apply(ctx, msg);
      }
    };
  }
}
