package io.parley.user;

import io.parley.CborSerializable;
import io.parley.conversation.ConversationEntity;
import io.parley.conversation.Entry;
import io.parley.push.Push;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A person: account credentials, profile, and the conversations they belong to; plus, in
 * memory only, the device sessions currently connected anywhere in the cluster.
 *
 * <p>Invariants: an account is registered once and its id never changes hands; the conversation
 * list only grows by {@link LinkConversation}; sessions are not state (they vanish with the
 * incarnation, and edge sessions re-attach every {@code parley.session.refresh}).
 */
public final class UserEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        UserEntity.Command, UserEntity.Event, UserEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "User");

  public sealed interface Command extends CborSerializable {}

  public record Register(String passwordHash, String nickname, ActorRef<RegisterReply> replyTo)
      implements Command {}

  public enum RegisterReply implements CborSerializable {
    CREATED,
    TAKEN
  }

  public record GetCredentials(ActorRef<Credentials> replyTo) implements Command {}

  /** passwordHash is null when the user does not exist. */
  public record Credentials(String passwordHash) implements CborSerializable {}

  /**
   * Lists conv among the user's conversations (idempotent). The reply says whether the user
   * exists and which of {@code others} (the conversation's other members) this user blocks.
   */
  public record LinkConversation(String conv, List<String> others, ActorRef<LinkReply> replyTo)
      implements Command {}

  public record LinkReply(boolean exists, Set<String> blocks) implements CborSerializable {}

  /** The user left or was removed from conv: it no longer lists it. */
  public record UnlinkConversation(String conv) implements Command {}

  public record GetConversations(ActorRef<Conversations> replyTo) implements Command {}

  /** The user's conversations with the user's read marker in each (0 = nothing read). */
  public record Conversations(Map<String, Long> reads) implements CborSerializable {}

  /** What a device session needs on hello: conversations, read markers, its delivery cursors. */
  public record GetDeviceState(String device, ActorRef<DeviceState> replyTo) implements Command {}

  public record DeviceState(Map<String, Long> reads, Map<String, Long> delivered)
      implements CborSerializable {}

  /** The user read conv up to seq on device. Monotonic: a lower seq changes nothing. */
  public record MarkRead(String conv, long seq, String device, ActorRef<ReadReply> replyTo)
      implements Command {}

  public enum ReadReply implements CborSerializable {
    DONE,
    NOT_A_MEMBER
  }

  /** Another member read conv up to seq. */
  public record ReadReceipt(String conv, String user, long seq) implements Command {}

  /**
   * A device holds every entry up to the given seq, per conversation (coalesced acks).
   * {@code replyTo} may be null; if set it hears {@link Done} once the cursors are stored.
   */
  public record AdvanceCursors(String device, Map<String, Long> delivered, ActorRef<Done> replyTo)
      implements Command {}

  /**
   * A device session is (still) connected; sent on connect and again every refresh period.
   * {@code tokenId} is the id of the login token the session authenticated with.
   */
  public record Attach(String device, String tokenId, ActorRef<Push> session) implements Command {}

  public record Detach(ActorRef<Push> session) implements Command {}

  public record Deliver(Entry entry) implements Command {}

  /** An ephemeral push (e.g. typing) for all of the user's sessions; nothing is stored. */
  public record Notify(Push push) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record Registered(String passwordHash, String nickname, long ts) implements Event {}

  public record ConversationLinked(String conv) implements Event {}

  public record ConversationUnlinked(String conv) implements Event {}

  public record ReadMarked(String conv, long seq) implements Event {}

  public record CursorsAdvanced(String device, Map<String, Long> delivered) implements Event {}

  /**
   * passwordHash is null until the account is registered. {@code reads} has a key for every
   * conversation of the user (its read marker, 0 = nothing read); {@code delivered} holds each
   * device's delivery cursors.
   */
  public record State(
      String passwordHash,
      String nickname,
      Map<String, Long> reads,
      Map<String, Map<String, Long>> delivered)
      implements CborSerializable {
    static final State EMPTY = new State(null, null, Map.of(), Map.of());

    boolean registered() {
      return passwordHash != null;
    }

    boolean isMember(String conv) {
      return reads.containsKey(conv);
    }

    long readSeq(String conv) {
      return reads.getOrDefault(conv, 0L);
    }

    State register(Registered e) {
      return new State(e.passwordHash(), e.nickname(), reads, delivered);
    }

    State link(String conv) {
      return new State(passwordHash, nickname, Maps.with(reads, conv, 0L), delivered);
    }

    State unlink(String conv) {
      Map<String, Long> without = new HashMap<>(reads);
      without.remove(conv);
      return new State(passwordHash, nickname, Map.copyOf(without), delivered);
    }

    /** Which of these users this user blocks. */
    Set<String> blocksAmong(List<String> users) {
      return Set.of();
    }

    State read(ReadMarked e) {
      return new State(passwordHash, nickname, Maps.with(reads, e.conv(), e.seq()), delivered);
    }

    /** Only the cursors that move forward, or an empty map. */
    Map<String, Long> advancing(String device, Map<String, Long> cursors) {
      Map<String, Long> current = delivered.getOrDefault(device, Map.of());
      Map<String, Long> moved = new HashMap<>();
      cursors.forEach(
          (conv, seq) -> {
            if (isMember(conv) && seq > current.getOrDefault(conv, 0L)) moved.put(conv, seq);
          });
      return moved;
    }

    State advance(CursorsAdvanced e) {
      Map<String, Long> device = new HashMap<>(delivered.getOrDefault(e.device(), Map.of()));
      device.putAll(e.delivered());
      return new State(passwordHash, nickname, reads, Maps.with(delivered, e.device(), Map.copyOf(device)));
    }
  }

  public static void init(ActorSystem<?> system, int snapshotEvery) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), snapshotEvery, sharding))
            .withRole("core"));
  }

  public static Behavior<Command> create(String userId, int snapshotEvery, ClusterSharding sharding) {
    return Behaviors.setup(ctx -> new UserEntity(ctx, userId, snapshotEvery, sharding));
  }

  private final ActorContext<Command> ctx;
  private final String userId;
  private final int snapshotEvery;
  private final ClusterSharding sharding;
  private final Map<ActorRef<Push>, String> sessions = new HashMap<>();

  private UserEntity(
      ActorContext<Command> ctx, String userId, int snapshotEvery, ClusterSharding sharding) {
    super(PersistenceId.of(ENTITY_KEY.name(), userId));
    this.ctx = ctx;
    this.userId = userId;
    this.snapshotEvery = snapshotEvery;
    this.sharding = sharding;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(
            GetCredentials.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), new Credentials(state.passwordHash())))
        .onCommand(LinkConversation.class, this::onLink)
        .onCommand(UnlinkConversation.class, this::onUnlink)
        .onCommand(
            GetConversations.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), new Conversations(state.reads())))
        .onCommand(
            GetDeviceState.class,
            (state, cmd) ->
                Effect()
                    .reply(
                        cmd.replyTo(),
                        new DeviceState(
                            state.reads(), state.delivered().getOrDefault(cmd.device(), Map.of()))))
        .onCommand(MarkRead.class, this::onMarkRead)
        .onCommand(ReadReceipt.class, this::onReadReceipt)
        .onCommand(AdvanceCursors.class, this::onAdvanceCursors)
        .onCommand(Attach.class, this::onAttach)
        .onCommand(Detach.class, this::onDetach)
        .onCommand(Deliver.class, this::onDeliver)
        .onCommand(
            Notify.class,
            (state, cmd) -> {
              push(cmd.push());
              return Effect().noReply();
            })
        .build();
  }

  private ReplyEffect<Event, State> onRegister(State state, Register cmd) {
    if (state.registered()) return Effect().reply(cmd.replyTo(), RegisterReply.TAKEN);
    return Effect()
        .persist(new Registered(cmd.passwordHash(), cmd.nickname(), System.currentTimeMillis()))
        .thenReply(cmd.replyTo(), s -> RegisterReply.CREATED);
  }

  private ReplyEffect<Event, State> onLink(State state, LinkConversation cmd) {
    if (!state.registered()) return Effect().reply(cmd.replyTo(), new LinkReply(false, Set.of()));
    LinkReply linked = new LinkReply(true, state.blocksAmong(cmd.others()));
    if (state.isMember(cmd.conv())) return Effect().reply(cmd.replyTo(), linked);
    return Effect().persist(new ConversationLinked(cmd.conv())).thenReply(cmd.replyTo(), s -> linked);
  }

  private ReplyEffect<Event, State> onUnlink(State state, UnlinkConversation cmd) {
    if (!state.isMember(cmd.conv())) return Effect().noReply();
    return Effect().persist(new ConversationUnlinked(cmd.conv())).thenNoReply();
  }

  private ReplyEffect<Event, State> onAttach(State state, Attach cmd) {
    if (sessions.put(cmd.session(), cmd.device()) == null) {
      ctx.watchWith(cmd.session(), new Detach(cmd.session()));
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onDetach(State state, Detach cmd) {
    if (sessions.remove(cmd.session()) != null) ctx.unwatch(cmd.session());
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onMarkRead(State state, MarkRead cmd) {
    if (!state.isMember(cmd.conv())) return Effect().reply(cmd.replyTo(), ReadReply.NOT_A_MEMBER);
    if (cmd.seq() <= state.readSeq(cmd.conv())) return Effect().reply(cmd.replyTo(), ReadReply.DONE);
    return Effect()
        .persist(new ReadMarked(cmd.conv(), cmd.seq()))
        .thenRun(
            s -> {
              push(new Push.ReadMarker(cmd.conv(), userId, cmd.seq(), cmd.device()));
              sharding
                  .entityRefFor(ConversationEntity.ENTITY_KEY, cmd.conv())
                  .tell(new ConversationEntity.ForwardRead(userId, cmd.seq()));
            })
        .thenReply(cmd.replyTo(), s -> ReadReply.DONE);
  }

  private ReplyEffect<Event, State> onReadReceipt(State state, ReadReceipt cmd) {
    push(new Push.ReadMarker(cmd.conv(), cmd.user(), cmd.seq(), null));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onAdvanceCursors(State state, AdvanceCursors cmd) {
    Map<String, Long> moved = state.advancing(cmd.device(), cmd.delivered());
    if (moved.isEmpty()) {
      return cmd.replyTo() == null ? Effect().noReply() : Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    var persisted = Effect().persist(new CursorsAdvanced(cmd.device(), moved));
    return cmd.replyTo() == null
        ? persisted.thenNoReply()
        : persisted.thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<Event, State> onDeliver(State state, Deliver cmd) {
    Entry entry = cmd.entry();
    push(new Push.Delivery(entry));
    // The sender has read what they wrote: their own entries never count as unread.
    if (entry.from().equals(userId) && entry.seq() > state.readSeq(entry.conv())) {
      return Effect().persist(new ReadMarked(entry.conv(), entry.seq())).thenNoReply();
    }
    return Effect().noReply();
  }

  private void push(Push push) {
    sessions.keySet().forEach(session -> session.tell(push));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Registered.class, State::register)
        .onEvent(ConversationLinked.class, (state, e) -> state.link(e.conv()))
        .onEvent(ConversationUnlinked.class, (state, e) -> state.unlink(e.conv()))
        .onEvent(ReadMarked.class, State::read)
        .onEvent(CursorsAdvanced.class, State::advance)
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }
}
