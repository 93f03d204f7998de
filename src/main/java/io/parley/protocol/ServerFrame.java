package io.parley.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Frames the server sends (docs/protocol.md). Null fields are left out on the wire. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ServerFrame.Welcome.class, name = "welcome"),
  @JsonSubTypes.Type(value = ServerFrame.ConvState.class, name = "conv_state"),
  @JsonSubTypes.Type(value = ServerFrame.Synced.class, name = "synced"),
  @JsonSubTypes.Type(value = ServerFrame.Pong.class, name = "pong"),
  @JsonSubTypes.Type(value = ServerFrame.Sent.class, name = "sent"),
  @JsonSubTypes.Type(value = ServerFrame.Msg.class, name = "msg"),
  @JsonSubTypes.Type(value = ServerFrame.HistoryPage.class, name = "history"),
  @JsonSubTypes.Type(value = ServerFrame.ReadMarker.class, name = "read"),
  @JsonSubTypes.Type(value = ServerFrame.Delivered.class, name = "delivered"),
  @JsonSubTypes.Type(value = ServerFrame.Ok.class, name = "ok"),
  @JsonSubTypes.Type(value = ServerFrame.Created.class, name = "created"),
  @JsonSubTypes.Type(value = ServerFrame.Typing.class, name = "typing"),
  @JsonSubTypes.Type(value = ServerFrame.ContactList.class, name = "contacts"),
  @JsonSubTypes.Type(value = ServerFrame.ContactEvent.class, name = "contact"),
  @JsonSubTypes.Type(value = ServerFrame.Presence.class, name = "presence"),
  @JsonSubTypes.Type(value = ServerFrame.People.class, name = "people"),
  @JsonSubTypes.Type(value = ServerFrame.PresenceList.class, name = "presence_list"),
  @JsonSubTypes.Type(value = ServerFrame.Members.class, name = "members"),
  @JsonSubTypes.Type(value = ServerFrame.Error.class, name = "error")
})
public sealed interface ServerFrame {

  /** {@code rid}: the hello's, echoed (null when it had none). */
  record Welcome(String rid, String user, String device, long heartbeatMs, long serverTime)
      implements ServerFrame {}

  /**
   * {@code epoch}: the log's incarnation (docs/protocol.md); "" while the log is empty. {@code
   * role}: the user's own role in a group ("owner", "admin", "member"); null otherwise.
   */
  record ConvState(
      String conv,
      String kind,
      String title,
      long lastSeq,
      long readSeq,
      long unread,
      String epoch,
      String role)
      implements ServerFrame {}

  /** {@code user} has read {@code conv} up to {@code seq}. */
  record ReadMarker(String conv, String user, long seq) implements ServerFrame {}

  /** A device of {@code user} holds every entry of direct conversation {@code conv} up to seq. */
  record Delivered(String conv, String user, long seq) implements ServerFrame {}

  record Synced() implements ServerFrame {}

  record Pong(String rid) implements ServerFrame {}

  record Sent(String rid, String conv, String cid, long seq, long ts) implements ServerFrame {}

  /**
   * {@code edited} and {@code editSeq}: only on a text entry read back after it was edited (its
   * body is then the latest edit's text, editSeq that edit's seq); null (left out) otherwise.
   */
  record Msg(
      String conv,
      long seq,
      String from,
      String cid,
      String kind,
      JsonNode body,
      long ts,
      Boolean edited,
      Long editSeq)
      implements ServerFrame {
    public Msg(
        String conv, long seq, String from, String cid, String kind, JsonNode body, long ts) {
      this(conv, seq, from, cid, kind, body, ts, null, null);
    }
  }

  record HistoryPage(String rid, String conv, List<Msg> messages, boolean hasMore)
      implements ServerFrame {}

  record Ok(String rid) implements ServerFrame {}

  record Created(String rid, String conv) implements ServerFrame {}

  record Typing(String conv, String user) implements ServerFrame {}

  record ContactList(
      String rid,
      List<String> friends,
      List<String> pendingIn,
      List<String> pendingOut,
      List<String> blocked)
      implements ServerFrame {}

  /** To the other party's devices: {@code event} is "request", "accept" or "remove". */
  record ContactEvent(String event, String user) implements ServerFrame {}

  /** {@code state} is "online" or "offline"; lastSeen (epoch ms) is set when offline. */
  record Presence(String user, String state, Long lastSeen) implements ServerFrame {}

  /** A page of people found; {@code cursor} is null on the last page. */
  record People(String rid, List<Person> users, String cursor) implements ServerFrame {}

  record Person(String user, String nickname) {}

  /**
   * Friends' current presence: on hello (no rid) and as the answer to a presence query. {@code
   * more}: true when the user has more friends than one list holds (ask for them by name).
   */
  record PresenceList(String rid, List<FriendState> friends, Boolean more) implements ServerFrame {}

  /** {@code state} is "online" or "offline"; lastSeen (epoch ms) is set when offline and known. */
  record FriendState(String user, String state, Long lastSeen) {}

  /**
   * A page of a conversation's members: owner, then admins, then members, each by id. {@code more}
   * is true, with the {@code cursor} of the next page, when more follow (else both left out).
   */
  record Members(String rid, String conv, List<MemberRole> members, Boolean more, String cursor)
      implements ServerFrame {}

  record MemberRole(String user, String role) {}

  record Error(String rid, String code, String message) implements ServerFrame {
    public static Error of(String rid, ErrorCode code, String message) {
      return new Error(rid, code.wire(), message);
    }
  }
}
