package io.parley.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.CborSerializable;

/**
 * One timeline entry as members see it: the stored event plus its seq and conversation. A leaf
 * type: the conversation makes it, pushes carry it, sessions and history pages show it.
 */
public record Entry(
    String conv, long seq, String from, String cid, String kind, JsonNode body, long ts)
    implements CborSerializable {

  /** Whether this entry takes user out of its conversation (they left or were kicked). */
  public boolean removes(String user) {
    if (!"system".equals(kind) || !user.equals(body.path("user").asText(null))) return false;
    String event = body.path("event").asText();
    return "left".equals(event) || "kicked".equals(event);
  }

  /** Whether this entry puts user into its group: it created it with them, or they joined. */
  public boolean adds(String user) {
    if (!"system".equals(kind)) return false;
    return switch (body.path("event").asText()) {
      case "created" ->
          user.equals(body.path("owner").asText(null)) || lists(body, "members", user);
      case "joined" -> lists(body, "users", user);
      default -> false;
    };
  }

  private static boolean lists(JsonNode body, String field, String user) {
    for (JsonNode listed : body.path(field)) {
      if (user.equals(listed.asText())) return true;
    }
    return false;
  }
}
