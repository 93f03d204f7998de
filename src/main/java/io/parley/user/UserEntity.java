package io.parley.user;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.parley.CborSerializable;
import io.parley.push.Push;
import io.parley.timeline.Entry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A person: account credentials, profile, contacts, revoked login tokens, the conversations they
 * belong to and the devices they registered for pushes; plus, in memory only, the device sessions
 * currently connected anywhere in the cluster ({@link Sessions}).
 *
 * <p>Invariants: an account is registered once and its id never changes hands; the conversation
 * list changes only by {@link LinkConversation} and {@link UnlinkConversation}; a user is never
 * both a friend (or pending) and blocked ({@link Contacts}); a revoked token stays revoked until it
 * expires; a user is put into a group only with {@link GroupConsent} (registered, not blocking the
 * inviter, within the hourly cap of group adds); sessions are not state (they vanish with the
 * incarnation; edge sessions attach again when it stops, and every {@code parley.session.refresh}),
 * and pushes made in a new incarnation's first {@link Sessions#missedWindow} reach the sessions
 * that attach in it ({@link Sessions}); a device is pushed through its provider at most once per
 * (conversation, seq), and only while it has no live session ({@link PushHandlers}).
 */
public final class UserEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        UserEntity.Command, UserEntity.Event, UserEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "User");

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
   * Lists conv among the user's conversations (idempotent). The reply says whether the user exists
   * and which of {@code others} (the conversation's other members) this user blocks.
   */
  public record LinkConversation(String conv, List<String> others, ActorRef<LinkReply> replyTo)
      implements Command {}

  public record LinkReply(boolean exists, Set<String> blocks) implements CborSerializable {}

  /**
   * The user left or was removed from conv: it no longer lists it (replyTo, if set, once stored).
   */
  public record UnlinkConversation(String conv, ActorRef<Done> replyTo) implements Command {}

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
   * A device of this user acked direct conversation conv up to seq (its session's highest): when it
   * is the highest of any device, the other member gets a delivered receipt. Nothing is stored.
   */
  public record Acked(String conv, long seq) implements Command {}

  /** The other member of direct conversation conv has a device holding it up to seq. */
  public record DeliveredReceipt(String conv, String user, long seq) implements Command {}

  /**
   * A device holds every entry up to the given seq, per conversation (coalesced acks). {@code
   * replyTo} may be null; if set it hears {@link Done} once the cursors are stored.
   */
  public record AdvanceCursors(String device, Map<String, Long> delivered, ActorRef<Done> replyTo)
      implements Command {}

  /**
   * A device session is (still) connected; sent on connect and again every refresh period. {@code
   * tokenId} is the id of the login token the session authenticated with; a session whose token is
   * revoked is not attached but told so, and closes.
   */
  public record Attach(String device, String tokenId, ActorRef<Push> session) implements Command {}

  public record Detach(ActorRef<Push> session) implements Command {}

  /**
   * Sharding's stop message (its shard moves, or it is passivated): see {@link Push.AttachAgain}.
   */
  enum Stop implements Command {
    INSTANCE
  }

  /** {@code traceparent}: the entry's span when its send is traced (io.parley.tracing). */
  public record Deliver(Entry entry, @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent)
      implements Command {
    public Deliver(Entry entry) {
      this(entry, null);
    }
  }

  /** An ephemeral push (e.g. typing) for all of the user's sessions; nothing is stored. */
  public record Notify(Push push) implements Command {}

  /** User {@code from} applies op to this user's side of their contacts (see {@link Contacts}). */
  public record ContactFrom(String from, Contacts.Op op, ActorRef<Contacts.Answer> replyTo)
      implements Command {}

  /** This user's own side of a contact op, once the other side has answered. Idempotent. */
  public record ChangeContact(String other, Contacts.Change change, ActorRef<Done> replyTo)
      implements Command {}

  public record GetContacts(ActorRef<Contacts.View> replyTo) implements Command {}

  /** A friend came online or went offline (lastSeen set when offline); nothing is stored. */
  public record FriendPresence(String friend, String state, Long lastSeen) implements Command {}

  public record GetProfile(ActorRef<Profile> replyTo) implements Command {}

  /**
   * Null fields stay as they are; an empty avatar clears it; {@code findable}: whether others may
   * find the user by search ({@link PeopleProtocol}). Callers validate the values.
   */
  public record UpdateProfile(
      String nickname,
      String avatar,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean findable,
      ActorRef<Profile> replyTo)
      implements Command {
    public UpdateProfile(String nickname, String avatar, ActorRef<Profile> replyTo) {
      this(nickname, avatar, null, replyTo);
    }
  }

  /** avatar is null when the user has none; exists is false for an unknown user. */
  public record Profile(boolean exists, String nickname, String avatar, boolean findable)
      implements CborSerializable {
    public Profile(boolean exists, String nickname, String avatar) {
      this(exists, nickname, avatar, true);
    }
  }

  /**
   * Logout: the token with this id (valid until expiresAt, epoch ms) no longer authenticates, and
   * the push registrations of its devices go: {@code device} (named by the client, or null), those
   * registered with the token, those whose sessions authenticated with it.
   */
  public record RevokeToken(
      String tokenId,
      long expiresAt,
      @JsonInclude(JsonInclude.Include.NON_NULL) String device,
      ActorRef<Done> replyTo)
      implements Command {
    public RevokeToken(String tokenId, long expiresAt, ActorRef<Done> replyTo) {
      this(tokenId, expiresAt, null, replyTo);
    }
  }

  public record CheckToken(String tokenId, ActorRef<TokenStatus> replyTo) implements Command {}

  public record TokenStatus(boolean revoked) implements CborSerializable {}

  /**
   * May {@code inviter} put this user into group conv ({@link GroupConsent})? With {@code reserve},
   * an addable answer also uses one of the user's group adds for the hour.
   */
  public record ConsentToGroup(
      String inviter, String conv, boolean reserve, ActorRef<GroupConsent.Answer> replyTo)
      implements Command {}

  /**
   * Push devices and when to push ({@link PushHandlers}): the commands, in {@link PushProtocol}.
   */
  public sealed interface PushCommand extends Command
      permits PushProtocol.RegisterPushDevice,
          PushProtocol.UnregisterPushDevice,
          PushProtocol.GetPushDevices,
          PushProtocol.RemovePushDevice,
          PushProtocol.PushDue,
          PushProtocol.PushReady {}

  /** Finding people and friends' presence: the commands, in {@link PeopleProtocol}. */
  public sealed interface PeopleCommand extends Command
      permits PeopleProtocol.GetPresence,
          PeopleProtocol.BlocksUser,
          PeopleProtocol.Relisted,
          PeopleProtocol.ListAgain {}

  public sealed interface Event extends CborSerializable {}

  /** The directory's events ({@link DirectoryListing}), in {@link PeopleProtocol}. */
  public sealed interface PeopleEvent extends Event
      permits PeopleProtocol.FindableSet, PeopleProtocol.DirectoryListed {}

  public record Registered(String passwordHash, String nickname, long ts) implements Event {}

  public record ConversationLinked(String conv) implements Event {}

  public record ConversationUnlinked(String conv) implements Event {}

  public record ReadMarked(String conv, long seq) implements Event {}

  public record CursorsAdvanced(String device, Map<String, Long> delivered) implements Event {}

  public record ContactsChanged(String other, Contacts.Change change) implements Event {}

  /** The user's last session left at ts (epoch ms). */
  public record WentOffline(long ts) implements Event {}

  public record ProfileUpdated(String nickname, String avatar) implements Event {}

  /** The token tokenId was revoked at ts; it would have expired at expiresAt (epoch ms). */
  public record LoggedOut(String tokenId, long expiresAt, long ts) implements Event {}

  /** {@code by} was allowed to add the user to group conv at ts (counts against the hourly cap). */
  public record AddedToGroup(String conv, String by, long ts) implements Event {}

  /** The push devices' events, in {@link PushProtocol}. */
  public sealed interface PushEvent extends Event
      permits PushProtocol.PushDeviceRegistered,
          PushProtocol.PushDeviceRemoved,
          PushProtocol.PushNotified {}

  /**
   * The user entity's state, by concern: the account, the inbox (conversations, read markers,
   * device cursors), contacts, revoked tokens, the group adds counted against the hourly cap and
   * the push devices. Live sessions are not state: they are in memory only ({@link Sessions}).
   */
  public record State(
      Account account,
      Inbox inbox,
      Contacts contacts,
      RevokedTokens revoked,
      GroupConsent.Adds groupAdds,
      PushDevices push)
      implements CborSerializable {
    static final State EMPTY = new State(null, null, null, null, null, null); // each part's own

    public State {
      // Snapshots written before a part existed deserialize it as null.
      account = account == null ? Account.NONE : account;
      inbox = inbox == null ? Inbox.EMPTY : inbox;
      contacts = contacts == null ? Contacts.EMPTY : contacts;
      revoked = revoked == null ? RevokedTokens.NONE : revoked;
      groupAdds = groupAdds == null ? GroupConsent.Adds.NONE : groupAdds;
      push = push == null ? PushDevices.NONE : push;
    }

    /**
     * Reads a snapshot: today's parts, or the flat fields that snapshots written before the state
     * was split into parts (6 Dec 2026) hold instead of account and inbox.
     */
    @JsonCreator
    static State fromSnapshot(
        @JsonProperty("account") Account account,
        @JsonProperty("inbox") Inbox inbox,
        @JsonProperty("contacts") Contacts contacts,
        @JsonProperty("revoked") RevokedTokens revoked,
        @JsonProperty("groupAdds") GroupConsent.Adds groupAdds,
        @JsonProperty("push") PushDevices push,
        @JsonProperty("passwordHash") String passwordHash,
        @JsonProperty("nickname") String nickname,
        @JsonProperty("avatar") String avatar,
        @JsonProperty("lastSeen") long lastSeen,
        @JsonProperty("reads") Map<String, Long> reads,
        @JsonProperty("delivered") Map<String, Map<String, Long>> delivered) {
      if (account == null) account = new Account(passwordHash, nickname, avatar, lastSeen);
      if (inbox == null) inbox = new Inbox(reads, delivered);
      return new State(account, inbox, contacts, revoked, groupAdds, push);
    }

    boolean registered() {
      return account.registered();
    }

    boolean isMember(String conv) {
      return inbox.lists(conv);
    }
  }

  private final int snapshotEvery;
  private final UserCommands commands;

  UserEntity(ActorContext<Command> ctx, String userId, int snapshotEvery, UserDeps deps) {
    super(PersistenceId.of(ENTITY_KEY.name(), userId));
    this.snapshotEvery = snapshotEvery;
    this.commands = UserCommands.of(Effect(), ctx, userId, deps);
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  /** One handler for every entity, not a builder per entity: {@link UserCommands#onCommand}. */
  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return commands::onCommand;
  }

  /** The same for every entity: no per-entity builder (see {@link #commandHandler}). */
  @Override
  public EventHandler<State, Event> eventHandler() {
    return UserEvents::apply;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }
}
