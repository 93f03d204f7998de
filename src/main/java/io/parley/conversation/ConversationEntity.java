package io.parley.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.parley.CborSerializable;
import io.parley.conversation.Replies.PageRange;
import io.parley.conversation.Replies.PageReply;
import io.parley.conversation.Replies.PostReply;
import io.parley.conversation.Replies.Posted;
import io.parley.conversation.Replies.Rejected;
import io.parley.conversation.Replies.Summary;
import io.parley.conversation.Replies.SummaryReply;
import io.parley.protocol.ErrorCode;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A conversation: the single writer of its timeline.
 *
 * <p>Invariants: every persisted event is exactly one timeline entry, so an entry's seq is the
 * event's persistence sequence number (1, 2, 3, ... gapless, never reused). A (sender, cid) pair
 * is stored at most once while it is in the dedup window; a retry gets the original seq. Only
 * members may post, page or look; a rejection persists nothing and reveals nothing else.
 *
 * <p>Before its first post, each incarnation makes sure every member's user entity exists and
 * lists the conversation: that is what lets a member's {@code hello} name it. Posts wait (in
 * order, stashed) while that is under way.
 */
public final class ConversationEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        ConversationEntity.Command, ConversationEntity.Event, ConversationEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Conversation");

  public sealed interface Command extends CborSerializable {}

  public record Post(
      String from, String cid, String kind, JsonNode body, ActorRef<PostReply> replyTo)
      implements Command {}

  public record Page(String user, Long before, Long after, int limit, ActorRef<PageReply> replyTo)
      implements Command {}

  public record GetSummary(String user, ActorRef<SummaryReply> replyTo) implements Command {}

  /** A member read up to seq: tell the other members (read receipts). Nothing is stored here. */
  public record ForwardRead(String user, long seq) implements Command {}

  /**
   * In a direct conversation, {@code blocker} now blocks (or no longer blocks) {@code blocked}:
   * a blocked member's posts are refused. Sent by the blocker's user entity; nothing is stored.
   */
  public record BlockChanged(String blocker, String blocked, boolean blocking) implements Command {}

  /** Outcome of asking the members' user entities to list this conversation; null = linked. */
  record MembersLinked(ErrorCode failure) implements Command {}

  public sealed interface Event extends CborSerializable {}

  /** An entry was appended; its seq is this event's sequence number. */
  public record EntryAppended(String from, String cid, String kind, JsonNode body, long ts)
      implements Event {}

  /** Settings from {@code parley.conversation}. */
  public record Settings(
      int dedupWindow, int snapshotEvery, int keepSnapshots, Duration linkTimeout) {
    public static Settings from(Config config) {
      Config c = config.getConfig("parley.conversation");
      return new Settings(
          c.getInt("dedup-window"),
          c.getInt("snapshot-every"),
          c.getInt("keep-snapshots"),
          c.getDuration("link-timeout"));
    }
  }

  /** The entity's state; see {@link DedupWindow} for why it is mutable. */
  public static final class State {
    private long lastSeq;
    private long firstTs;
    private EntryAppended last;
    private final DedupWindow dedup;

    State(long lastSeq, long firstTs, EntryAppended last, DedupWindow dedup) {
      this.lastSeq = lastSeq;
      this.firstTs = firstTs;
      this.last = last;
      this.dedup = dedup;
    }

    State append(EntryAppended e) {
      lastSeq++;
      if (lastSeq == 1) firstTs = e.ts();
      last = e;
      dedup.remember(new DedupWindow.Record(e.from(), e.cid(), lastSeq, e.ts(), e.kind(), false));
      if (RECALL.equals(e.kind())) dedup.markRecalled(e.body().path("seq").asLong());
      return this;
    }

    public long lastSeq() {
      return lastSeq;
    }

    /**
     * The log's incarnation: derived from when seq 1 was written, so a log that was reset and
     * written again gets another epoch, and clients can tell their cursors no longer apply.
     */
    String epoch() {
      return firstTs == 0 ? "" : Long.toString(firstTs, 36);
    }

    DedupWindow.Record sent(String from, String cid) {
      return dedup.find(from, cid);
    }

    DedupWindow dedup() {
      return dedup;
    }
  }

  /** What a snapshot stores: an immutable copy, since the plugin serializes it later. */
  public record Snapshot(
      long lastSeq, long firstTs, EntryAppended last, List<DedupWindow.Record> dedup)
      implements CborSerializable {}

  static final String TEXT = "text";
  static final String RECALL = "recall";

  public static void init(ActorSystem<?> system, Settings settings) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), settings, sharding))
            .withRole("core"));
  }

  public static Behavior<Command> create(String id, Settings settings, ClusterSharding sharding) {
    ConversationId conv =
        ConversationId.parse(id)
            .orElseThrow(() -> new IllegalArgumentException("not a conversation id: " + id));
    return Behaviors.setup(ctx -> new ConversationEntity(ctx, conv, settings, sharding));
  }

  public static PersistenceId persistenceId(String conv) {
    return PersistenceId.of(ENTITY_KEY.name(), conv);
  }

  private final ActorContext<Command> ctx;
  private final ConversationId conv;
  private final Settings settings;
  private final ClusterSharding sharding;
  // Link progress is in memory on purpose: linking is idempotent and costs one ask per member
  // per incarnation, while persisting it would put a non-timeline event in the journal.
  private boolean linked;
  private boolean linking;
  private int waitingPosts;
  private int postsToReject;
  private ErrorCode linkFailure;

  private ConversationEntity(
      ActorContext<Command> ctx, ConversationId conv, Settings settings, ClusterSharding sharding) {
    super(persistenceId(conv.value()));
    this.ctx = ctx;
    this.conv = conv;
    this.settings = settings;
    this.sharding = sharding;
  }

  @Override
  public State emptyState() {
    return new State(0, 0, null, new DedupWindow(settings.dedupWindow()));
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Post.class, this::onPost)
        .onCommand(Page.class, this::onPage)
        .onCommand(GetSummary.class, this::onSummary)
        .onCommand(ForwardRead.class, this::onForwardRead)
        .onCommand(MembersLinked.class, this::onMembersLinked)
        .build();
  }

  private ReplyEffect<Event, State> onPost(State state, Post cmd) {
    if (!conv.hasMember(cmd.from())) return reject(cmd.replyTo(), ErrorCode.FORBIDDEN);
    DedupWindow.Record seen = state.sent(cmd.from(), cmd.cid());
    if (seen != null) return Effect().reply(cmd.replyTo(), new Posted(seen.seq(), seen.ts()));
    if (postsToReject > 0) {
      postsToReject--;
      return reject(cmd.replyTo(), linkFailure);
    }
    if (!linked) {
      startLinking();
      waitingPosts++;
      return Effect().stash();
    }
    if (RECALL.equals(cmd.kind())) {
      Rejected problem = Recalls.check(state, cmd);
      if (problem != null) return Effect().reply(cmd.replyTo(), problem);
    }
    String kind = RECALL.equals(cmd.kind()) ? RECALL : TEXT;
    EntryAppended event =
        new EntryAppended(cmd.from(), cmd.cid(), kind, cmd.body(), System.currentTimeMillis());
    return Effect()
        .persist(event)
        .thenRun(s -> pushToMembers(s.lastSeq(), event))
        .thenReply(cmd.replyTo(), s -> new Posted(s.lastSeq(), event.ts()));
  }

  private ReplyEffect<Event, State> onPage(State state, Page cmd) {
    if (!conv.hasMember(cmd.user())) return reject(cmd.replyTo(), ErrorCode.FORBIDDEN);
    long last = state.lastSeq();
    PageRange range;
    if (cmd.after() != null) {
      long to = Math.min(last, cmd.after() + cmd.limit());
      range = new PageRange(cmd.after() + 1, to, to < last);
    } else {
      long to = cmd.before() == null ? last : Math.min(last, cmd.before() - 1);
      long from = Math.max(1, to - cmd.limit() + 1);
      range = new PageRange(from, to, from > 1);
    }
    return Effect().reply(cmd.replyTo(), range);
  }

  private ReplyEffect<Event, State> onSummary(State state, GetSummary cmd) {
    if (!conv.hasMember(cmd.user())) return reject(cmd.replyTo(), ErrorCode.FORBIDDEN);
    EntryAppended last = state.last;
    Entry lastEntry =
        last == null
            ? null
            : new Entry(conv.value(), state.lastSeq(), last.from(), last.cid(), last.kind(), last.body(), last.ts());
    return Effect()
        .reply(
            cmd.replyTo(),
            new Summary(conv.value(), conv.kind().wire(), state.lastSeq(), state.epoch(), lastEntry));
  }

  private ReplyEffect<Event, State> onForwardRead(State state, ForwardRead cmd) {
    if (conv.hasMember(cmd.user())) {
      for (String member : conv.members()) {
        if (!member.equals(cmd.user())) {
          sharding
              .entityRefFor(UserEntity.ENTITY_KEY, member)
              .tell(new UserEntity.ReadReceipt(conv.value(), cmd.user(), cmd.seq()));
        }
      }
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onMembersLinked(State state, MembersLinked result) {
    linking = false;
    linked = result.failure() == null;
    if (!linked) {
      // The posts that waited are rejected, storing nothing; a later post tries again.
      linkFailure = result.failure();
      postsToReject = waitingPosts;
    }
    waitingPosts = 0;
    return Effect().noReply().thenUnstashAll();
  }

  private void startLinking() {
    if (linking) return;
    linking = true;
    List<CompletableFuture<UserEntity.LinkReply>> replies =
        conv.members().stream()
            .map(
                member ->
                    sharding
                        .entityRefFor(UserEntity.ENTITY_KEY, member)
                        .<UserEntity.LinkReply>ask(
                            replyTo -> new UserEntity.LinkConversation(conv.value(), List.of(), replyTo),
                            settings.linkTimeout())
                        .toCompletableFuture())
            .toList();
    ctx.pipeToSelf(
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)),
        (ok, error) -> {
          if (error != null) return new MembersLinked(ErrorCode.UNAVAILABLE);
          boolean allExist =
              replies.stream().allMatch(r -> r.join().exists());
          return new MembersLinked(allExist ? null : ErrorCode.NOT_FOUND);
        });
  }

  private void pushToMembers(long seq, EntryAppended e) {
    // Best effort by design: a lost push is recovered by seq + catch-up, never relied upon.
    Entry entry = new Entry(conv.value(), seq, e.from(), e.cid(), e.kind(), e.body(), e.ts());
    for (String member : conv.members()) {
      sharding.entityRefFor(UserEntity.ENTITY_KEY, member).tell(new UserEntity.Deliver(entry));
    }
  }

  private ReplyEffect<Event, State> reject(ActorRef<? super Rejected> replyTo, ErrorCode code) {
    String message =
        switch (code) {
          case FORBIDDEN -> "not a member of this conversation";
          case NOT_FOUND -> "no such user in this conversation";
          default -> "conversation temporarily unavailable; retry with the same cid";
        };
    return Effect().reply(replyTo, new Rejected(code, message));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(EntryAppended.class, State::append)
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), settings.keepSnapshots());
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return new Snapshot(state.lastSeq, state.firstTs, state.last, state.dedup.records());
      }

      @Override
      public State fromJournal(Object from) {
        Snapshot s = (Snapshot) from;
        return new State(
            s.lastSeq(), s.firstTs(), s.last(), DedupWindow.of(settings.dedupWindow(), s.dedup()));
      }
    };
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              long journalSeq = lastSequenceNumber(ctx);
              if (journalSeq != state.lastSeq()) {
                ctx.getLog()
                    .error(
                        "{} recovered lastSeq {} but journal seq {}: seq invariant broken",
                        conv.value(), state.lastSeq(), journalSeq);
              }
            })
        .build();
  }

}
