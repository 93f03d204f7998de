package io.parley.user;

import io.parley.CborSerializable;
import io.parley.conversation.Entry;
import io.parley.push.Push;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  public record LinkConversation(String conv, ActorRef<LinkReply> replyTo) implements Command {}

  public enum LinkReply implements CborSerializable {
    LINKED,
    UNKNOWN_USER
  }

  public record GetConversations(ActorRef<Conversations> replyTo) implements Command {}

  public record Conversations(List<String> convs) implements CborSerializable {}

  /** A device session is (still) connected; sent on connect and again every refresh period. */
  public record Attach(String device, ActorRef<Push> session) implements Command {}

  public record Detach(ActorRef<Push> session) implements Command {}

  public record Deliver(Entry entry) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record Registered(String passwordHash, String nickname, long ts) implements Event {}

  public record ConversationLinked(String conv) implements Event {}

  /** passwordHash is null until the account is registered. */
  public record State(String passwordHash, String nickname, Set<String> conversations)
      implements CborSerializable {
    static final State EMPTY = new State(null, null, Set.of());

    boolean registered() {
      return passwordHash != null;
    }

    State register(Registered e) {
      return new State(e.passwordHash(), e.nickname(), conversations);
    }

    State link(String conv) {
      Set<String> convs = new HashSet<>(conversations);
      convs.add(conv);
      return new State(passwordHash, nickname, Set.copyOf(convs));
    }
  }

  public static void init(ActorSystem<?> system, int snapshotEvery) {
    sharding(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), snapshotEvery)).withRole("core"));
  }

  private static ClusterSharding sharding(ActorSystem<?> system) {
    return ClusterSharding.get(system);
  }

  public static Behavior<Command> create(String userId, int snapshotEvery) {
    return Behaviors.setup(ctx -> new UserEntity(ctx, userId, snapshotEvery));
  }

  private final ActorContext<Command> ctx;
  private final int snapshotEvery;
  private final Map<ActorRef<Push>, String> sessions = new HashMap<>();

  private UserEntity(ActorContext<Command> ctx, String userId, int snapshotEvery) {
    super(PersistenceId.of(ENTITY_KEY.name(), userId));
    this.ctx = ctx;
    this.snapshotEvery = snapshotEvery;
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
        .onCommand(
            GetConversations.class,
            (state, cmd) ->
                Effect()
                    .reply(cmd.replyTo(), new Conversations(new ArrayList<>(state.conversations()))))
        .onCommand(Attach.class, this::onAttach)
        .onCommand(Detach.class, this::onDetach)
        .onCommand(Deliver.class, this::onDeliver)
        .build();
  }

  private ReplyEffect<Event, State> onRegister(State state, Register cmd) {
    if (state.registered()) return Effect().reply(cmd.replyTo(), RegisterReply.TAKEN);
    return Effect()
        .persist(new Registered(cmd.passwordHash(), cmd.nickname(), System.currentTimeMillis()))
        .thenReply(cmd.replyTo(), s -> RegisterReply.CREATED);
  }

  private ReplyEffect<Event, State> onLink(State state, LinkConversation cmd) {
    if (!state.registered()) return Effect().reply(cmd.replyTo(), LinkReply.UNKNOWN_USER);
    if (state.conversations().contains(cmd.conv()))
      return Effect().reply(cmd.replyTo(), LinkReply.LINKED);
    return Effect()
        .persist(new ConversationLinked(cmd.conv()))
        .thenReply(cmd.replyTo(), s -> LinkReply.LINKED);
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

  private ReplyEffect<Event, State> onDeliver(State state, Deliver cmd) {
    Push push = new Push.Delivery(cmd.entry());
    sessions.keySet().forEach(session -> session.tell(push));
    return Effect().noReply();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Registered.class, State::register)
        .onEvent(ConversationLinked.class, (state, e) -> state.link(e.conv()))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }
}
