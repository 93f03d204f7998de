package io.parley.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Frames a client sends (docs/protocol.md sections 2-4). The {@code type} field picks the record;
 * {@link #validate} checks what JSON types alone cannot, so handlers see only well-formed frames.
 * Every text a frame carries that is stored or echoed (bodies, cids, titles, conv ids, the rid: see
 * {@link Codec}) must be well-formed Unicode ({@link Text}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ClientFrame.Hello.class, name = "hello"),
  @JsonSubTypes.Type(value = ClientFrame.Ping.class, name = "ping"),
  @JsonSubTypes.Type(value = ClientFrame.Send.class, name = "send"),
  @JsonSubTypes.Type(value = ClientFrame.Ack.class, name = "ack"),
  @JsonSubTypes.Type(value = ClientFrame.History.class, name = "history"),
  @JsonSubTypes.Type(value = ClientFrame.Read.class, name = "read"),
  @JsonSubTypes.Type(value = ClientFrame.Typing.class, name = "typing"),
  @JsonSubTypes.Type(value = ClientFrame.Create.class, name = "create"),
  @JsonSubTypes.Type(value = ClientFrame.Invite.class, name = "invite"),
  @JsonSubTypes.Type(value = ClientFrame.Leave.class, name = "leave"),
  @JsonSubTypes.Type(value = ClientFrame.Kick.class, name = "kick"),
  @JsonSubTypes.Type(value = ClientFrame.Title.class, name = "title"),
  @JsonSubTypes.Type(value = ClientFrame.Role.class, name = "role"),
  @JsonSubTypes.Type(value = ClientFrame.Join.class, name = "join"),
  @JsonSubTypes.Type(value = ClientFrame.FriendRequest.class, name = "friend_request"),
  @JsonSubTypes.Type(value = ClientFrame.FriendAccept.class, name = "friend_accept"),
  @JsonSubTypes.Type(value = ClientFrame.FriendRemove.class, name = "friend_remove"),
  @JsonSubTypes.Type(value = ClientFrame.Block.class, name = "block"),
  @JsonSubTypes.Type(value = ClientFrame.Unblock.class, name = "unblock"),
  @JsonSubTypes.Type(value = ClientFrame.Contacts.class, name = "contacts"),
  @JsonSubTypes.Type(value = ClientFrame.PushRegister.class, name = "push_register"),
  @JsonSubTypes.Type(value = ClientFrame.PushUnregister.class, name = "push_unregister"),
  @JsonSubTypes.Type(value = ClientFrame.FindPeople.class, name = "find_people"),
  @JsonSubTypes.Type(value = ClientFrame.PresenceQuery.class, name = "presence"),
  @JsonSubTypes.Type(value = ClientFrame.Members.class, name = "members")
})
public sealed interface ClientFrame {
  int MAX_ID_CHARS = 64;

  String rid();

  String ILL_FORMED = "text must be well-formed Unicode (no lone surrogates)";

  /**
   * @return a human-readable reason why this frame is malformed, or null when it is fine.
   */
  default String validate(Limits limits) {
    return null;
  }

  /** A conv id given and well-formed (whether it names a conversation is for the entities). */
  private static boolean hasConv(String conv) {
    return conv != null && Text.wellFormed(conv);
  }

  /**
   * A hello whose token is missing, empty or not a string is refused with {@code unauthorized} (the
   * contract's "bad or missing token"), not bad_request: {@link Codec}.
   */
  record Hello(String rid, String token, String device, Map<String, Long> cursors)
      implements ClientFrame {
    public static final String NO_TOKEN = "hello needs a token (a non-empty string); log in";

    public boolean hasToken() {
      return token != null && !token.isEmpty();
    }

    /** Whether a frame's {@code token} field holds a token ({@link #hasToken}). */
    public static boolean isToken(JsonNode token) {
      return token != null && token.isTextual() && !token.textValue().isEmpty();
    }

    @Override
    public String validate(Limits limits) {
      return FrameChecks.hello(this);
    }
  }

  record Ping(String rid) implements ClientFrame {}

  record Send(String rid, String conv, String cid, String kind, JsonNode body)
      implements ClientFrame {
    public boolean isRecall() {
      return "recall".equals(kind);
    }

    public boolean isEdit() {
      return "edit".equals(kind);
    }

    /** {@code text}, {@code recall} or {@code edit} (a send without a kind is text). */
    public String kindOrText() {
      return kind == null ? "text" : kind;
    }

    /** The text this send stores: a text body, an edit's new text; null for a recall. */
    public String text() {
      if (isRecall()) return null;
      return isEdit() ? body.get("text").textValue() : body.textValue();
    }

    @Override
    public String validate(Limits limits) {
      return SendChecks.problem(this);
    }
  }

  record Ack(String rid, String conv, Long seq) implements ClientFrame {
    @Override
    public String validate(Limits limits) {
      if (!hasConv(conv) || seq == null || seq < 0) return "ack needs conv and seq >= 0";
      return null;
    }
  }

  record History(String rid, String conv, Long before, Long after, Integer limit)
      implements ClientFrame {
    @Override
    public String validate(Limits limits) {
      return FrameChecks.history(this, limits);
    }
  }

  record Read(String rid, String conv, Long seq) implements ClientFrame {
    @Override
    public String validate(Limits limits) {
      if (!hasConv(conv) || seq == null || seq < 0) return "read needs conv and seq >= 0";
      return null;
    }
  }

  record Typing(String rid, String conv) implements ClientFrame {
    @Override
    public String validate(Limits limits) {
      return hasConv(conv) ? null : "typing needs a conv";
    }
  }

  /** Membership and group operations (section 5): the conversation entity decides. */
  sealed interface GroupOp extends ClientFrame {
    String conv();
  }

  record Create(String rid, String kind, String title, java.util.List<String> members)
      implements ClientFrame {
    @Override
    public String validate(Limits limits) {
      return FrameChecks.create(this);
    }
  }

  record Invite(String rid, String conv, java.util.List<String> users) implements GroupOp {
    @Override
    public String validate(Limits limits) {
      if (!hasConv(conv)) return "invite needs a conv";
      if (users == null || users.isEmpty() || users.stream().anyMatch(u -> !UserIds.valid(u)))
        return "users must be a non-empty list of user ids";
      return null;
    }
  }

  record Leave(String rid, String conv) implements GroupOp {
    @Override
    public String validate(Limits limits) {
      return hasConv(conv) ? null : "leave needs a conv";
    }
  }

  record Kick(String rid, String conv, String user) implements GroupOp {
    @Override
    public String validate(Limits limits) {
      return hasConv(conv) && UserIds.valid(user) ? null : "kick needs a conv and a user";
    }
  }

  record Title(String rid, String conv, String title) implements GroupOp {
    @Override
    public String validate(Limits limits) {
      if (!hasConv(conv)) return "title needs a conv";
      return FrameChecks.title(title);
    }
  }

  /** Extension (docs/protocol.md): the owner makes a member an admin or an admin a member. */
  record Role(String rid, String conv, String user, String role) implements GroupOp {
    @Override
    public String validate(Limits limits) {
      if (!hasConv(conv) || !UserIds.valid(user)) return "role needs a conv and a user";
      return "admin".equals(role) || "member".equals(role) ? null : "role must be admin or member";
    }
  }

  /** Join a room (groups are joined by invitation). */
  record Join(String rid, String conv) implements GroupOp {
    @Override
    public String validate(Limits limits) {
      return hasConv(conv) ? null : "join needs a conv";
    }
  }

  /** Contact operations (section 6): the user entities decide. */
  sealed interface ContactOp extends ClientFrame {
    String user();
  }

  record FriendRequest(String rid, String user) implements ContactOp {
    @Override
    public String validate(Limits limits) {
      return UserIds.valid(user) ? null : "friend_request needs a user";
    }
  }

  record FriendAccept(String rid, String user) implements ContactOp {
    @Override
    public String validate(Limits limits) {
      return UserIds.valid(user) ? null : "friend_accept needs a user";
    }
  }

  record FriendRemove(String rid, String user) implements ContactOp {
    @Override
    public String validate(Limits limits) {
      return UserIds.valid(user) ? null : "friend_remove needs a user";
    }
  }

  record Block(String rid, String user) implements ContactOp {
    @Override
    public String validate(Limits limits) {
      return UserIds.valid(user) ? null : "block needs a user";
    }
  }

  record Unblock(String rid, String user) implements ContactOp {
    @Override
    public String validate(Limits limits) {
      return UserIds.valid(user) ? null : "unblock needs a user";
    }
  }

  record Contacts(String rid) implements ClientFrame {}

  /**
   * Finding people by a prefix of their id or nickname (extension, docs/protocol.md "Finding
   * people"). The minimum length of {@code q} and the largest {@code limit} are settings, checked
   * where the search runs; here only the shape.
   */
  record FindPeople(String rid, String q, String cursor, Integer limit) implements ClientFrame {
    @Override
    public String validate(Limits limits) {
      if (q == null) return "find_people needs q";
      if (limit != null && limit < 1) return "limit must be >= 1";
      return Text.wellFormed(q) && (cursor == null || Text.wellFormed(cursor)) ? null : ILL_FORMED;
    }
  }

  /**
   * The current presence of some of the user's friends (extension, docs/protocol.md "Presence");
   * how many users one query may name is a setting, checked where it is answered.
   */
  record PresenceQuery(String rid, java.util.List<String> users) implements ClientFrame {
    @Override
    public String validate(Limits limits) {
      if (users == null || users.stream().anyMatch(u -> u == null || !Text.wellFormed(u)))
        return "presence needs users: a list of user ids";
      return null;
    }
  }

  /**
   * A page of a conversation's members and their roles (extension, docs/protocol.md "Groups"); the
   * largest {@code limit} is a setting, checked where it is answered.
   */
  record Members(String rid, String conv, String cursor, Integer limit) implements ClientFrame {
    @Override
    public String validate(Limits limits) {
      if (!hasConv(conv)) return "members needs a conv";
      if (limit != null && limit < 1) return "limit must be >= 1";
      return cursor == null || Text.wellFormed(cursor) ? null : ILL_FORMED;
    }
  }

  /**
   * Push registrations (extension, docs/protocol.md "Push notifications"): the user entity keeps
   * them.
   */
  sealed interface PushOp extends ClientFrame {
    /** The device it is about; null: the session's own. */
    String device();
  }

  /**
   * Registers (or replaces) a device's push token. {@code provider} is checked against the
   * providers the server knows at the edge (this package knows none).
   */
  record PushRegister(String rid, String device, String provider, String token, Boolean preview)
      implements PushOp {
    @Override
    public String validate(Limits limits) {
      return PushChecks.problem(device, provider, token, limits.maxPushTokenBytes());
    }
  }

  record PushUnregister(String rid, String device) implements PushOp {
    @Override
    public String validate(Limits limits) {
      return device == null || validDevice(device) ? null : DEVICE_RULE;
    }
  }

  String DEVICE_RULE = "device must be 1-64 chars of [A-Za-z0-9_.-]";

  /** A device id as hello takes it. */
  static boolean validDevice(String device) {
    return device != null && UserIds.DEVICE.matcher(device).matches();
  }

  int MAX_TITLE = 128;

  /** User id syntax, kept here so the wire layer does not depend on the user package. */
  final class UserIds {
    // Compiled once: String.matches compiles its pattern on every call (each hello, each member).
    private static final Pattern USER = Pattern.compile("[a-z0-9_.-]{3,32}");
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private UserIds() {}

    static boolean valid(String id) {
      return id != null && USER.matcher(id).matches();
    }
  }

  /**
   * The protocol limits a frame is checked against (from parley.limits, and parley.push's
   * max-token-bytes).
   */
  record Limits(int historyMaxLimit, int maxBodyBytes, int maxPushTokenBytes) {}
}
