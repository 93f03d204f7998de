package io.parley.edge;

import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationId;
import io.parley.conversation.Entry;
import io.parley.conversation.Replies;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.user.UserEntity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The edge's side of each request: asks the owning entity through sharding, reads the journal
 * where needed, and maps the outcome to wire frames. Holds no state; callers pipe the results
 * back into their actor.
 */
final class Requests {
  private final SessionDeps deps;

  Requests(SessionDeps deps) {
    this.deps = deps;
  }

  /** Everything a session sends after welcome: conv_state per conversation, then catch-up. */
  record Sync(List<ServerFrame.ConvState> states, List<Entry> catchUp) {}

  CompletionStage<ServerFrame> send(String user, ClientFrame.Send f) {
    var conv = ConversationId.parse(f.conv());
    if (conv.isEmpty()) return completed(unknownConv(f.rid()));
    return conversation(f.conv())
        .<Replies.PostReply>ask(
            replyTo -> new ConversationEntity.Post(user, f.cid(), "text", f.body(), replyTo),
            deps.settings().askTimeout())
        .thenApply(
            reply ->
                reply instanceof Replies.Posted p
                    ? new ServerFrame.Sent(f.rid(), f.conv(), f.cid(), p.seq(), p.ts())
                    : rejected(f.rid(), reply));
  }

  CompletionStage<ServerFrame> history(String user, ClientFrame.History f) {
    if (ConversationId.parse(f.conv()).isEmpty()) return completed(unknownConv(f.rid()));
    int limit = f.limit() == null ? deps.settings().historyDefaultLimit() : f.limit();
    return page(user, f.conv(), f.before(), f.after(), limit)
        .thenCompose(
            reply -> {
              if (!(reply instanceof Replies.PageRange range)) {
                return completed(rejected(f.rid(), reply));
              }
              return deps.timeline()
                  .read(f.conv(), range.from(), range.to())
                  .thenApply(
                      entries ->
                          new ServerFrame.HistoryPage(
                              f.rid(), f.conv(), Frames.msgs(entries), range.hasMore()));
            });
  }

  CompletionStage<Sync> sync(String user, Map<String, Long> cursors) {
    CompletionStage<List<ServerFrame.ConvState>> states =
        deps.sharding()
            .entityRefFor(UserEntity.ENTITY_KEY, user)
            .<UserEntity.Conversations>ask(
                UserEntity.GetConversations::new, deps.settings().askTimeout())
            .thenCompose(convs -> all(convs.convs().stream().map(c -> state(user, c)).toList()));
    List<CompletableFuture<List<Entry>>> catchUps =
        cursors.entrySet().stream()
            .filter(c -> ConversationId.parse(c.getKey()).isPresent())
            .map(c -> catchUp(user, c.getKey(), c.getValue()).toCompletableFuture())
            .toList();
    return states.thenCombine(
        all(catchUps),
        (s, entries) ->
            new Sync(s, entries.stream().flatMap(List::stream).toList()));
  }

  private CompletionStage<ServerFrame.ConvState> state(String user, String conv) {
    return conversation(conv)
        .<Replies.SummaryReply>ask(
            replyTo -> new ConversationEntity.GetSummary(user, replyTo),
            deps.settings().askTimeout())
        .thenApply(
            reply ->
                // Read markers arrive with the delivery issue; until then nothing counts as read.
                reply instanceof Replies.Summary s
                    ? new ServerFrame.ConvState(s.conv(), s.kind(), null, s.lastSeq(), 0, s.lastSeq())
                    : null);
  }

  private CompletionStage<List<Entry>> catchUp(String user, String conv, long cursor) {
    return page(user, conv, null, cursor, deps.settings().catchUpMax())
        .thenCompose(
            reply ->
                reply instanceof Replies.PageRange range
                    ? deps.timeline().read(conv, range.from(), range.to())
                    : completed(List.<Entry>of()));
  }

  private CompletionStage<Replies.PageReply> page(
      String user, String conv, Long before, Long after, int limit) {
    return conversation(conv)
        .ask(
            replyTo -> new ConversationEntity.Page(user, before, after, limit, replyTo),
            deps.settings().askTimeout());
  }

  private EntityRef<ConversationEntity.Command> conversation(String conv) {
    return deps.sharding().entityRefFor(ConversationEntity.ENTITY_KEY, conv);
  }

  private static ServerFrame rejected(String rid, Object reply) {
    Replies.Rejected r = (Replies.Rejected) reply;
    return new ServerFrame.Error(rid, r.code().wire(), r.message());
  }

  private static ServerFrame unknownConv(String rid) {
    return ServerFrame.Error.of(rid, ErrorCode.BAD_REQUEST, "not a conversation id");
  }

  private static <T> CompletionStage<T> completed(T value) {
    return CompletableFuture.completedFuture(value);
  }

  /** All results in order, leaving out nulls; fails if any fails. */
  private static <T> CompletionStage<List<T>> all(List<? extends CompletionStage<T>> stages) {
    List<CompletableFuture<T>> futures =
        stages.stream().map(CompletionStage::toCompletableFuture).toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<T> results = new ArrayList<>(futures.size());
              for (CompletableFuture<T> f : futures) {
                T value = f.join();
                if (value != null) results.add(value);
              }
              return results;
            });
  }
}
