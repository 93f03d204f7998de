package io.parley.conversation;

import io.parley.user.UserId;
import java.util.List;
import java.util.Optional;

/**
 * A parsed conversation id. Direct conversations are {@code d:<a>:<b>} with the two user ids
 * sorted, so that both members address the same timeline and membership follows from the id.
 */
public record ConversationId(String value, Kind kind, List<String> members) {

  public enum Kind {
    DIRECT;

    public String wire() {
      return name().toLowerCase();
    }
  }

  public static Optional<ConversationId> parse(String value) {
    if (value == null || !value.startsWith("d:")) return Optional.empty();
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
        .orElseThrow(() -> new IllegalArgumentException("not a direct pair: " + user1 + ", " + user2));
  }

  public boolean hasMember(String user) {
    return members.contains(user);
  }
}
