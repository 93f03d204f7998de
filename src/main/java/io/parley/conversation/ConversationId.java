package io.parley.conversation;

import io.parley.user.UserId;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed conversation id. Direct conversations are {@code d:<a>:<b>} with the two user ids
 * sorted, so both members address the same timeline and membership follows from the id. Groups are
 * {@code g:<id>} (the id is made by the server); rooms are {@code r:<name>}.
 */
public record ConversationId(String value, Kind kind, List<String> members) {
  private static final Pattern GROUP_ID = Pattern.compile("[a-z0-9]{1,32}");
  private static final Pattern ROOM_NAME = Pattern.compile("[a-z0-9_.-]{1,64}");

  public enum Kind {
    DIRECT,
    GROUP,
    ROOM;

    public String wire() {
      return name().toLowerCase();
    }
  }

  public static Optional<ConversationId> parse(String value) {
    if (value == null) return Optional.empty();
    if (value.startsWith("g:") && GROUP_ID.matcher(value.substring(2)).matches()) {
      return Optional.of(new ConversationId(value, Kind.GROUP, List.of()));
    }
    if (value.startsWith("r:") && ROOM_NAME.matcher(value.substring(2)).matches()) {
      return Optional.of(new ConversationId(value, Kind.ROOM, List.of()));
    }
    if (!value.startsWith("d:")) return Optional.empty();
    String[] parts = value.split(":", -1);
    if (parts.length != 3) return Optional.empty();
    String a = parts[1];
    String b = parts[2];
    if (!UserId.isValid(a) || !UserId.isValid(b) || a.compareTo(b) >= 0) return Optional.empty();
    return Optional.of(new ConversationId(value, Kind.DIRECT, List.of(a, b)));
  }

  public static ConversationId direct(String user1, String user2) {
    String a = user1.compareTo(user2) < 0 ? user1 : user2;
    String b = a.equals(user1) ? user2 : user1;
    return parse("d:" + a + ":" + b)
        .orElseThrow(
            () -> new IllegalArgumentException("not a direct pair: " + user1 + ", " + user2));
  }

  public boolean isDirect() {
    return kind == Kind.DIRECT;
  }

  public boolean isGroup() {
    return kind == Kind.GROUP;
  }

  public boolean isRoom() {
    return kind == Kind.ROOM;
  }

  /** For direct conversations only: membership follows from the id. */
  public boolean hasMember(String user) {
    return members.contains(user);
  }
}
