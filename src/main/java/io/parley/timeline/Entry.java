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
}
