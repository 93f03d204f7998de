package io.parley.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.conversation.ConversationEntity.EntryAppended;
import java.util.ArrayList;
import java.util.List;

/**
 * The timeline's events, one record per kind of entry, each exactly one seq. They are what the
 * journal stores since 6 Dec 2026; before, every entry was an {@link EntryAppended} with a kind
 * string and a JSON body, which {@link #typed} still reads (the entity's event adapter, {@link
 * StoredEntries}, goes through it; the history reader sees both through {@link Appended}).
 *
 * <p>Every event is also seen as members see it ({@link Appended#kind} and {@link Appended#body}):
 * the wire form, unchanged by the typing.
 */
public final class Timeline {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private Timeline() {}

  /** One timeline entry, typed or legacy, as far as the timeline and its readers care. */
  public sealed interface Appended extends ConversationEntity.Event
      permits EntryAppended, Posted, Recalled, Edited, GroupEvent {
    String from();

    String cid();

    long ts();

    /** {@code text}, {@code recall}, {@code edit} or {@code system}. */
    String kind();

    /** The entry's body on the wire. */
    JsonNode body();
  }

  /** A change of a group's membership or settings: a {@code system} entry. */
  public sealed interface GroupEvent extends Appended
      permits GroupCreated, MembersJoined, MemberLeft, MemberKicked, TitleChanged, RoleChanged {
    @Override
    default String kind() {
      return TimelineState.SYSTEM;
    }
  }

  /** A text message. */
  public record Posted(String from, String cid, JsonNode body, long ts) implements Appended {
    @Override
    public String kind() {
      return TimelineState.TEXT;
    }
  }

  /** The sender withdrew their entry {@code seq}. */
  public record Recalled(String from, String cid, long seq, long ts) implements Appended {
    @Override
    public String kind() {
      return TimelineState.RECALL;
    }

    @Override
    public JsonNode body() {
      return JSON.objectNode().put("seq", seq);
    }
  }

  /**
   * The sender replaced the text of their entry {@code seq} with {@code text}. Entry {@code seq}
   * stays as it was stored; readers show it with the latest edit's text ({@link EditIndex}).
   */
  public record Edited(String from, String cid, long seq, String text, long ts)
      implements Appended {
    @Override
    public String kind() {
      return TimelineState.EDIT;
    }

    @Override
    public JsonNode body() {
      return JSON.objectNode().put("seq", seq).put("text", text);
    }
  }

  public record GroupCreated(String owner, String cid, String title, List<String> members, long ts)
      implements GroupEvent {
    @Override
    public String from() {
      return owner;
    }

    @Override
    public JsonNode body() {
      ObjectNode body = JSON.objectNode().put("event", "created").put("owner", owner);
      body.put("title", title);
      members.forEach(body.putArray("members")::add);
      return body;
    }
  }

  public record MembersJoined(String by, String cid, List<String> users, long ts)
      implements GroupEvent {
    @Override
    public String from() {
      return by;
    }

    @Override
    public JsonNode body() {
      ObjectNode body = JSON.objectNode().put("event", "joined").put("by", by);
      users.forEach(body.putArray("users")::add);
      return body;
    }
  }

  /** {@code user} left; when they owned the group, {@code owner} (or null) owns it now. */
  public record MemberLeft(String user, String cid, String owner, long ts) implements GroupEvent {
    @Override
    public String from() {
      return user;
    }

    @Override
    public JsonNode body() {
      ObjectNode body = JSON.objectNode().put("event", "left").put("user", user);
      if (owner != null) body.put("owner", owner);
      return body;
    }
  }

  public record MemberKicked(String by, String cid, String user, long ts) implements GroupEvent {
    @Override
    public String from() {
      return by;
    }

    @Override
    public JsonNode body() {
      return JSON.objectNode().put("event", "kicked").put("user", user).put("by", by);
    }
  }

  public record TitleChanged(String by, String cid, String title, long ts) implements GroupEvent {
    @Override
    public String from() {
      return by;
    }

    @Override
    public JsonNode body() {
      return JSON.objectNode().put("event", "title").put("title", title).put("by", by);
    }
  }

  public record RoleChanged(String by, String cid, String user, String role, long ts)
      implements GroupEvent {
    @Override
    public String from() {
      return by;
    }

    @Override
    public JsonNode body() {
      return JSON.objectNode()
          .put("event", "role")
          .put("user", user)
          .put("role", role)
          .put("by", by);
    }
  }

  /** An entry as the journal stored it before the events were typed: read as its typed event. */
  static Appended typed(EntryAppended e) {
    JsonNode b = e.body();
    switch (e.kind()) {
      case TimelineState.TEXT:
        return new Posted(e.from(), e.cid(), b, e.ts());
      case TimelineState.RECALL:
        return new Recalled(e.from(), e.cid(), b.path("seq").asLong(), e.ts());
      case TimelineState.EDIT:
        return new Edited(
            e.from(), e.cid(), b.path("seq").asLong(), b.path("text").asText(), e.ts());
      case TimelineState.SYSTEM:
        String user = b.path("user").asText(null);
        switch (b.path("event").asText()) {
          case "created":
            return new GroupCreated(
                b.path("owner").asText(),
                e.cid(),
                b.path("title").asText(),
                texts(b, "members"),
                e.ts());
          case "joined":
            return new MembersJoined(e.from(), e.cid(), texts(b, "users"), e.ts());
          case "left":
            return new MemberLeft(user, e.cid(), b.path("owner").asText(null), e.ts());
          case "kicked":
            return new MemberKicked(b.path("by").asText(e.from()), e.cid(), user, e.ts());
          case "title":
            return new TitleChanged(e.from(), e.cid(), b.path("title").asText(), e.ts());
          case "role":
            return new RoleChanged(e.from(), e.cid(), user, b.path("role").asText(), e.ts());
          default:
            return e;
        }
      default:
        return e; // a kind this build does not know: kept as it was stored
    }
  }

  /** The entry as it is kept in a snapshot (the last entry of a conversation's summary). */
  static EntryAppended flat(Appended e) {
    return e instanceof EntryAppended stored
        ? stored
        : new EntryAppended(e.from(), e.cid(), e.kind(), e.body(), e.ts());
  }

  private static List<String> texts(JsonNode body, String field) {
    List<String> values = new ArrayList<>();
    body.path(field).forEach(v -> values.add(v.asText()));
    return List.copyOf(values);
  }
}
