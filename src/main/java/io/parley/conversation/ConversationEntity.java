package io.parley.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.CborSerializable;
import io.parley.conversation.Replies.PageReply;
import io.parley.conversation.Replies.PostReply;
import io.parley.conversation.Replies.SummaryReply;
import io.parley.protocol.ErrorCode;
import io.parley.push.Push;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.EventAdapter;
import org.apache.pekko.persistence.typed.JournalPersistFailed;
import org.apache.pekko.persistence.typed.JournalPersistRejected;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A conversation (direct, group or room): the single writer of its timeline.
 *
 * <p>Invariants: every persisted event is exactly one timeline entry, so an entry's seq is the
 * event's persistence sequence number (1, 2, 3, ... gapless, never reused). Membership changes are
 * {@code system} entries, so they replay in order with the messages. A (sender, cid) pair is stored
 * at most once while it is in the dedup window; a retry gets the original seq. Only members post,
 * page or look (rooms: whoever joined, checked at the edge); a rejection persists nothing and says
 * nothing about the conversation beyond the error.
 *
 * <p>A direct conversation, before its first post in each incarnation, makes sure both users exist,
 * list it, and whether one blocks the other; posts wait (stashed, in order) meanwhile ({@link
 * DirectLinks}). Posts that queue behind a write share the next one ({@link PendingPosts}).
 *
 * <p>A post is stored only if a write takes it before its deadline: one that reaches the entity
 * later (sharding buffers posts while a conversation moves), or is held past it, is answered {@code
 * unavailable} and never stored, since its sender's edge may have stopped waiting for it.
 *
 * <p>When a write fails, whoever waits for it (every post it holds, and the command that made it)
 * is answered at once: {@code unavailable} if the failure shows nothing was stored, else {@code
 * internal}, outcome unknown; either may retry with the same cid. The entity then restarts after a
 * backoff and recovers from the journal. A post the journal could not serialize (text that is not
 * well-formed Unicode) is refused before it can join, and fail, a shared write.
 *
 * <p>Events and snapshots are stored encrypted ({@link StoredEntries}); a stored one that does not
 * decrypt fails the recovery, never skipped: the seqs after it would be wrong.
 */
public final class ConversationEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        ConversationEntity.Command, ConversationEntity.Event, TimelineState> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Conversation");

  public sealed interface Command extends CborSerializable {}

  /**
   * {@code traceparent}: the send's span when it is traced (io.parley.tracing), else null. {@code
   * deadline}: epoch millis after which the post must not be stored, as its sender's edge may have
   * stopped waiting for it (0: none). Absent in posts from builds before it: none.
   */
  public record Post(
      String from,
      String cid,
      String kind,
      JsonNode body,
      ActorRef<PostReply> replyTo,
      @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) long deadline)
      implements Command {
    public Post(String from, String cid, String kind, JsonNode body, ActorRef<PostReply> replyTo) {
      this(from, cid, kind, body, replyTo, null, 0);
    }

    boolean lateAt(long now) {
      return deadline > 0 && now > deadline;
    }
  }

  public record Page(String user, Long before, Long after, int limit, ActorRef<PageReply> replyTo)
      implements Command {}

  /**
   * The edited entries among {@code from..to} and their latest edits, for a reader of that range
   * (history, catch-up, gap fills). Says nothing but seqs; whoever reads the range may already.
   */
  public record GetEdits(long from, long to, ActorRef<Replies.Edits> replyTo) implements Command {}

  public record GetSummary(String user, ActorRef<SummaryReply> replyTo) implements Command {}

  /**
   * A page of a group's members for member {@code user}: up to {@code limit} after {@code after}
   * (null: the first page).
   */
  public record GetMembers(
      String user, MembersCursor after, int limit, ActorRef<Replies.MembersReply> replyTo)
      implements Command {}

  /** Starts a group: the owner and the members it was created with. */
  public record Create(
      String owner, String title, List<String> members, ActorRef<PostReply> replyTo)
      implements Command {}

  /**
   * A group operation by {@code by}: invite (users), leave, kick (user), title, role (user, role).
   */
  public record Manage(
      String by,
      GroupOp op,
      List<String> users,
      String title,
      String role,
      ActorRef<PostReply> replyTo)
      implements Command {}

  public enum GroupOp {
    INVITE,
    LEAVE,
    KICK,
    TITLE,
    ROLE
  }

  /** A member read up to seq: tell the other members (read receipts). Nothing is stored here. */
  public record ForwardRead(String user, long seq) implements Command {}

  /**
   * A device of member {@code user} holds a direct conversation up to seq: tell the other member
   * (delivered receipts). Nothing is stored; groups and rooms ignore it.
   */
  public record ForwardDelivered(String user, long seq) implements Command {}

  /** A member is typing: tell the other members' devices. Nothing is stored. */
  public record Typing(String user) implements Command {}

  /**
   * In a direct conversation, {@code blocker} now blocks (or no longer blocks) {@code blocked}: a
   * blocked member's posts are refused. Sent by the blocker's user entity; nothing is stored.
   */
  public record BlockChanged(String blocker, String blocked, boolean blocking) implements Command {}

  /** An edge node's room registry wants this room's entries (renewed periodically). */
  public record SubscribeRoom(
      ActorRef<Push.RoomEntry> node, ActorRef<org.apache.pekko.Done> replyTo) implements Command {}

  /** A subscribed edge node is gone. */
  record RoomNodeGone(ActorRef<Push.RoomEntry> node) implements Command {}

  /** A user entity answered (ok) or did not (timeout) a change of its conversation list. */
  record LinkAnswered(String user, boolean link, boolean ok) implements Command {}

  /** Time to ask a user entity again for a change it has not answered. */
  record RetryLink(String user) implements Command {}

  /**
   * Sent to itself when it starts holding posts back, so they are written even if nothing follows.
   */
  record Flush() implements Command {}

  /**
   * Sharding's stop message (its shard moves, or it is passivated). Not Pekko's default PoisonPill:
   * an entity whose recovery keeps failing (Cassandra down) restarts after a backoff, and a
   * PoisonPill that reaches one of those attempts dies with it, so the recovered entity never
   * stopped and its shard's hand-off waited out {@code handoff-timeout} (60 s, with every message
   * of the shard held). A command waits in the entity's stash, which outlives those restarts.
   */
  enum Stop implements Command {
    INSTANCE
  }

  /** Outcome of linking a direct conversation's members; failure null = linked. */
  record MembersLinked(ErrorCode failure, Set<String> blockedSenders) implements Command {}

  public sealed interface Event extends CborSerializable permits Timeline.Appended {}

  /**
   * An entry as the journal stored every entry before the events were typed ({@link Timeline}):
   * still read, and kept as a conversation's last entry in its snapshots; no longer written.
   */
  public record EntryAppended(String from, String cid, String kind, JsonNode body, long ts)
      implements Timeline.Appended {}

  public static void init(ActorSystem<?> system, ConversationSettings settings) {
    if (settings.ackBeforePersist()) system.log().warn(TimelineWrites.UNSAFE_WARNING);
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), settings, sharding))
            .withStopMessage(Stop.INSTANCE)
            .withRole("core"));
  }

  public static Behavior<Command> create(
      String id, ConversationSettings settings, ClusterSharding sharding) {
    ConversationId conv =
        ConversationId.parse(id)
            .orElseThrow(() -> new IllegalArgumentException("not a conversation id: " + id));
    return Behaviors.setup(
        ctx -> {
          Backlog backlog = new Backlog();
          return Behaviors.intercept(
              backlog::counter, new ConversationEntity(ctx, conv, settings, sharding, backlog));
        });
  }

  public static PersistenceId persistenceId(String conv) {
    return PersistenceId.of(ENTITY_KEY.name(), conv);
  }

  private final ActorContext<Command> ctx;
  private final ConversationId conv;
  private final ConversationSettings settings;
  private final Backlog backlog;
  private final MemberLinks memberLinks;
  private final TimelineWrites writes;
  // How events and snapshots are stored: encrypted at rest.
  private final StoredEntries stored;
  private final PostCommands posts;
  private final GroupCommands groups;
  private final Signals signals;
  // The state Pekko starts every recovery from: asked for once per actor and kept, also across
  // restarts after a failed write. TimelineState is mutable, so no event may change this one
  // (see eventHandler): a restart would recover on top of the failed incarnation's entries.
  private TimelineState pristine;
  // What reads the timeline or passes through without writing to it.
  private final ConversationReads reads;

  private ConversationEntity(
      ActorContext<Command> ctx,
      ConversationId conv,
      ConversationSettings settings,
      ClusterSharding sharding,
      Backlog backlog) {
    super(persistenceId(conv.value()), settings.persistFailureBackoff().strategy());
    this.backlog = backlog;
    this.ctx = ctx;
    this.conv = conv;
    this.settings = settings;
    // Spans of the posts being written; null while tracing is off.
    PostTraces traces = PostTraces.of(ctx.getSystem());
    Fanout fanout = new Fanout(ctx, sharding, conv, traces);
    PendingPosts pending = new PendingPosts();
    WriteInFlight writing = new WriteInFlight();
    this.memberLinks =
        new MemberLinks(ctx, sharding, conv.value(), settings.linkTimeout(), settings.linkRetry());
    this.reads = new ConversationReads(ctx, conv, fanout, Effect());
    this.writes = new TimelineWrites(Effect(), pending, writing, fanout, reads, traces);
    this.posts =
        new PostCommands(
            ctx, conv, settings, Effect(), pending, backlog, writes, reads, fanout, traces);
    this.groups =
        new GroupCommands(
            conv, Effect(), new SystemEntries(settings.maxGroupSize()), writes, memberLinks, reads);
    this.signals = new Signals(ctx, conv, writing, traces);
    this.stored = StoredEntries.of(ctx.getSystem(), conv.value());
  }

  @Override
  public TimelineState emptyState() {
    pristine = TimelineState.empty(settings.dedupWindow(), conv.isRoom());
    return pristine;
  }

  @Override
  public CommandHandlerWithReply<Command, Event, TimelineState> commandHandler() {
    CommandHandlerWithReply<Command, Event, TimelineState> handlers =
        newCommandHandlerWithReplyBuilder()
            .forAnyState()
            .onCommand(Post.class, posts::onPost)
            .onCommand(Page.class, reads::onPage)
            .onCommand(GetSummary.class, reads::onSummary)
            .onCommand(GetMembers.class, reads::onMembers)
            .onCommand(
                GetEdits.class,
                (state, cmd) ->
                    Effect().reply(cmd.replyTo(), state.edits().in(cmd.from(), cmd.to())))
            .onCommand(Create.class, groups::onCreate)
            .onCommand(Manage.class, groups::onManage)
            .onCommand(ForwardRead.class, reads::onForwardRead)
            .onCommand(ForwardDelivered.class, reads::onForwardDelivered)
            .onCommand(Typing.class, reads::onTyping)
            .onCommand(BlockChanged.class, posts::onBlockChanged)
            .onCommand(MembersLinked.class, posts::onMembersLinked)
            .onCommand(SubscribeRoom.class, reads::onSubscribeRoom)
            .onCommand(RoomNodeGone.class, reads::onRoomNodeGone)
            .onCommand(Flush.class, (state, flush) -> writes.flush(state))
            .onCommand(Stop.class, (state, stop) -> writes.flushThenStop(state))
            .onCommand(LinkAnswered.class, (s, a) -> linkChange(() -> memberLinks.answered(a)))
            .onCommand(RetryLink.class, (s, r) -> linkChange(() -> memberLinks.retry(r)))
            .build();
    return (state, command) -> {
      backlog.taken(command);
      return handlers.apply(state, command);
    };
  }

  private ReplyEffect<Event, TimelineState> linkChange(Runnable step) {
    step.run();
    return Effect().noReply();
  }

  @Override
  public EventHandler<TimelineState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Timeline.Appended.class, (state, e) -> writable(state).append(e))
        .build();
  }

  /** The state an event may change: never the one Pekko recovers from (see pristine). */
  private TimelineState writable(TimelineState state) {
    return state == pristine ? TimelineState.empty(settings.dedupWindow(), conv.isRoom()) : state;
  }

  @Override
  public EventAdapter<Event, Object> eventAdapter() {
    return stored.events();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), settings.keepSnapshots());
  }

  @Override
  public SnapshotAdapter<TimelineState> snapshotAdapter() {
    return stored.snapshots(TimelineState.snapshots(settings.dedupWindow(), conv.isRoom()));
  }

  @Override
  public SignalHandler<TimelineState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            JournalPersistFailed.class,
            (s, failed) -> signals.persistFailed(failed.getFailure(), false))
        .onSignal(
            JournalPersistRejected.class,
            (s, rejected) -> signals.persistFailed(rejected.getFailure(), true))
        .onSignal(RecoveryFailed.class, (s, failed) -> signals.recoveryFailed(failed.getFailure()))
        .onSignal(RecoveryCompleted.instance(), s -> signals.recovered(s, lastSequenceNumber(ctx)))
        .build();
  }
}
