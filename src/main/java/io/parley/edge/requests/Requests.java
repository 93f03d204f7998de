package io.parley.edge.requests;

import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationId;
import io.parley.conversation.Replies;
import io.parley.metrics.Metrics;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.timeline.Entry;
import io.parley.tracing.TraceSpan;
import io.parley.user.UserEntity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The edge's side of each request: asks the owning entity through sharding, reads the journal where
 * needed, and maps the outcome to wire frames. Holds no state; callers pipe the results back into
 * their actor.
 */
public final class Requests {
  private final RequestDeps deps;
  private final ActorSystem<?> system;
  private final EditedEntries entries;

  public Requests(RequestDeps deps, ActorSystem<?> system) {
    this.deps = deps;
    this.system = system;
    this.entries =
        new EditedEntries(deps.sharding(), deps.timeline(), deps.settings().askTimeout());
  }

  /** Entries from..to of conv as readers see them (edited ones with their latest text). */
  public CompletionStage<List<Entry>> entries(String conv, long from, long to) {
    return entries.read(conv, from, to);
  }

  /**
   * What a session sends after welcome: one conv_state per conversation, then per conversation the
   * entries after its cursor (the session's catch-up reads them as the socket drains).
   */
  public record Sync(List<ServerFrame.ConvState> states, Map<String, Long> cursors) {}

  /**
   * Posts a send; the actor gets exactly one {@code answered} message, with {@code sent} or an
   * error. The outcome is mapped inside the actor ({@code ActorContext.ask}): no future callback
   * runs on another thread on this, the hottest path (a callback per send would be a thread
   * hand-off per message). The post carries its deadline; the wait outlasts it ({@link
   * SendDeadline}), so no answer means the outcome is unknown.
   */
  public <M> void send(
      ActorContext<M> ctx,
      String user,
      ClientFrame.Send f,
      java.util.function.Function<ServerFrame, M> answered) {
    if (ConversationId.parse(f.conv()).isEmpty()) {
      ctx.getSelf().tell(answered.apply(unknownConv(f.rid())));
      return;
    }
    long started = System.nanoTime();
    SendDeadline times = deps.settings().sendDeadline();
    long deadline = System.currentTimeMillis() + times.deadline().toMillis();
    TraceSpan span = deps.tracing().send(f.conv(), f.cid(), user); // null: not traced
    ctx.ask(
        Replies.PostReply.class,
        conversation(f.conv()),
        times.answerWait(),
        replyTo ->
            new ConversationEntity.Post(
                user,
                f.cid(),
                f.kindOrText(),
                f.body(),
                replyTo,
                span == null ? null : span.traceparent(),
                deadline),
        (reply, failure) ->
            answered.apply(SendTraces.answered(span, sentOrError(f, reply, failure, started))));
  }

  private static ServerFrame sentOrError(
      ClientFrame.Send f, Replies.PostReply reply, Throwable failure, long started) {
    if (failure != null) return Unanswered.send(f.rid());
    if (!(reply instanceof Replies.Posted p)) return rejected(f.rid(), reply);
    Metrics.SEND_PERSIST.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    return new ServerFrame.Sent(f.rid(), f.conv(), f.cid(), p.seq(), p.ts());
  }

  /** One line of the recent-conversations list: its state and its last entry (null if none). */
  /** {@code firstSeq}: the first entry the user may read. */
  public record ConversationView(
      ServerFrame.ConvState state, ServerFrame.Msg last, long firstSeq) {}

  /** The user's conversations, most recent first (by the time of their last entry). */
  public CompletionStage<List<ConversationView>> conversations(String user) {
    return deps.sharding()
        .entityRefFor(UserEntity.ENTITY_KEY, user)
        .<UserEntity.Conversations>ask(
            UserEntity.GetConversations::new, deps.settings().askTimeout())
        .thenCompose(
            convs -> {
              Titles titles = titles();
              return all(
                  convs.reads().entrySet().stream()
                      .map(read -> summary(user, read.getKey(), read.getValue(), titles))
                      .toList());
            })
        .thenApply(
            views ->
                views.stream()
                    .sorted(
                        java.util.Comparator.comparingLong(
                                (ConversationView v) -> v.last() == null ? 0 : v.last().ts())
                            .reversed())
                    .toList());
  }

  /** A page of at most limit entries and max-page-bytes (cut pages keep the cursor's end). */
  public CompletionStage<ServerFrame> history(String user, ClientFrame.History f) {
    return Unanswered.answered(f, historyPage(user, f));
  }

  private CompletionStage<ServerFrame> historyPage(String user, ClientFrame.History f) {
    if (ConversationId.parse(f.conv()).isEmpty()) return completed(unknownConv(f.rid()));
    int limit = f.limit() == null ? deps.settings().historyDefaultLimit() : f.limit();
    PageFit fit = new PageFit(deps.settings().maxPageBytes());
    return page(user, f.conv(), f.before(), f.after(), limit)
        .thenCompose(
            reply -> {
              if (!(reply instanceof Replies.PageRange range)) {
                return completed(rejected(f.rid(), reply));
              }
              // A page of 200 entries can be megabytes in this heap and in Cassandra's buffers:
              // the node reads a bounded number at once, whoever asks.
              if (!deps.historyReads().tryEnter()) {
                return completed(
                    ServerFrame.Error.of(
                        f.rid(),
                        ErrorCode.UNAVAILABLE,
                        "server busy reading history; retry shortly"));
              }
              return entries
                  .read(f.conv(), range.from(), range.to())
                  .whenComplete((entries, failure) -> deps.historyReads().exit(1))
                  .thenApply(
                      entries ->
                          fit.fit(
                              f.rid(),
                              f.conv(),
                              Frames.msgs(entries),
                              range.hasMore(),
                              f.after() != null));
            });
  }

  /**
   * Marks conv read up to the seq, clamped to the timeline: a marker beyond the last seq would hide
   * the entries still to come (unread would stay 0). {@code seen} is the highest seq the session
   * has seen in conv (null: none); only a seq above it costs a look at the conversation.
   */
  public CompletionStage<ServerFrame> read(
      String user, String device, ClientFrame.Read f, Long seen) {
    return Unanswered.answered(f, readUpTo(user, device, f, seen));
  }

  private CompletionStage<ServerFrame> readUpTo(
      String user, String device, ClientFrame.Read f, Long seen) {
    if (seen != null && f.seq() <= seen) return markRead(user, device, f, f.seq());
    if (ConversationId.parse(f.conv()).isEmpty()) return completed(unknownConv(f.rid()));
    return conversation(f.conv())
        .<Replies.SummaryReply>ask(
            replyTo -> new ConversationEntity.GetSummary(user, replyTo),
            deps.settings().askTimeout())
        .thenCompose(
            reply ->
                reply instanceof Replies.Summary s
                    ? markRead(user, device, f, Math.min(f.seq(), s.lastSeq()))
                    : completed(rejected(f.rid(), reply)));
  }

  private CompletionStage<ServerFrame> markRead(
      String user, String device, ClientFrame.Read f, long seq) {
    return deps.sharding()
        .entityRefFor(UserEntity.ENTITY_KEY, user)
        .<UserEntity.ReadReply>ask(
            replyTo -> new UserEntity.MarkRead(f.conv(), seq, device, replyTo),
            deps.settings().askTimeout())
        .thenApply(
            reply ->
                reply == UserEntity.ReadReply.DONE
                    ? new ServerFrame.Ok(f.rid())
                    : ServerFrame.Error.of(
                        f.rid(), ErrorCode.FORBIDDEN, "not a member of this conversation"));
  }

  /**
   * Catch-up starts, per conversation, from the client's cursor, else from this device's stored
   * delivery cursor (so a device that sends no cursors still gets what it never acked).
   */
  public CompletionStage<Sync> sync(String user, String device, Map<String, Long> clientCursors) {
    return deps.sharding()
        .entityRefFor(UserEntity.ENTITY_KEY, user)
        .<UserEntity.DeviceState>ask(
            replyTo -> new UserEntity.GetDeviceState(device, replyTo), deps.settings().askTimeout())
        .thenCompose(
            state -> {
              Map<String, Long> cursors = new HashMap<>(state.delivered());
              clientCursors.forEach(
                  (conv, seq) -> {
                    if (state.reads().containsKey(conv)) cursors.put(conv, seq);
                  });
              // A user may be in thousands of conversations: ask a few at a time, not all at once.
              Titles titles = titles();
              return Source.from(List.copyOf(state.reads().entrySet()))
                  .mapAsync(
                      deps.settings().syncParallelism(),
                      read ->
                          summary(user, read.getKey(), read.getValue(), titles)
                              .thenApply(Optional::ofNullable))
                  .filter(Optional::isPresent)
                  .map(Optional::get)
                  .runWith(Sink.seq(), system)
                  .thenApply(views -> synced(views, cursors));
            });
  }

  /**
   * The sync of these conversations. Catch-up never goes back before the first entry the user may
   * read: a member removed from a group and added again while this device was away gets nothing of
   * the time they were out, as history shows nothing of it.
   */
  private static Sync synced(List<ConversationView> views, Map<String, Long> cursors) {
    List<ServerFrame.ConvState> states = new ArrayList<>(views.size());
    for (ConversationView view : views) {
      states.add(view.state());
      cursors.computeIfPresent(view.state().conv(), (c, seq) -> Math.max(seq, view.firstSeq() - 1));
    }
    return new Sync(states, cursors);
  }

  /**
   * unread = last_seq - read_seq. read_seq is the user's read marker or their latest own entry,
   * whichever is later (writing implies having read), clamped to the timeline, and never before the
   * first entry the user may read: a member added to a group late has not missed its past. The
   * title is asked for beside the summary, not after it ({@link Titles}).
   */
  private CompletionStage<ConversationView> summary(
      String user, String conv, long readSeq, Titles titles) {
    CompletionStage<String> title = titles.of(user, conv);
    return conversation(conv)
        .<Replies.SummaryReply>ask(
            replyTo -> new ConversationEntity.GetSummary(user, replyTo),
            deps.settings().askTimeout())
        .thenCombine(
            title,
            (reply, named) -> {
              if (!(reply instanceof Replies.Summary s)) return null;
              long first = Math.max(1, s.firstSeq());
              long read =
                  Math.min(Math.max(Math.max(readSeq, s.lastOwnSeq()), first - 1), s.lastSeq());
              var state =
                  new ServerFrame.ConvState(
                      s.conv(),
                      s.kind(),
                      named != null ? named : s.title(),
                      s.lastSeq(),
                      read,
                      s.lastSeq() - read,
                      s.epoch(),
                      s.role());
              return new ConversationView(
                  state, s.lastEntry() == null ? null : Frames.msg(s.lastEntry()), first);
            });
  }

  private Titles titles() {
    return new Titles(deps.sharding(), deps.settings().titleTimeout());
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

  /**
   * The answer to a request that failed without an answer of its own ({@link Unanswered}): an
   * {@code ack} with a rid, a room {@code join}; it may have changed something.
   */
  public static ServerFrame notAnswered(String rid) {
    return Unanswered.change(rid);
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
  static <T> CompletionStage<List<T>> all(List<? extends CompletionStage<T>> stages) {
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
