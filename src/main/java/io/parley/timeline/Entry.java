package io.parley.timeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.CborSerializable;

/**
 * One timeline entry as members see it: the stored event plus its seq and conversation. A leaf
 * type: the conversation makes it, pushes carry it, sessions and history pages show it. {@code
 * editSeq}: for a text entry read back after it was edited, the seq of its latest edit (its body is
 * then that edit's text); 0 otherwise, and always in live pushes.
 */
public record Entry(
    String conv,
    long seq,
    String from,
    String cid,
    String kind,
    JsonNode body,
    long ts,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long editSeq)
    implements CborSerializable {

  public Entry(
      String conv, long seq, String from, String cid, String kind, JsonNode body, long ts) {
    this(conv, seq, from, cid, kind, body, ts, 0);
  }

  /** This entry as its edit {@code editSeq} left it: with {@code text} as its body. */
  public Entry editedTo(String text, long editSeq) {
    return new Entry(conv, seq, from, cid, kind, TextNode.valueOf(text), ts, editSeq);
  }

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
