package io.parley.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Frames a client sends (PROTOCOL.md sections 2-4). The {@code type} field picks the record;
 * {@link #validate} checks what JSON types alone cannot, so handlers see only well-formed frames.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ClientFrame.Hello.class, name = "hello"),
  @JsonSubTypes.Type(value = ClientFrame.Ping.class, name = "ping"),
  @JsonSubTypes.Type(value = ClientFrame.Send.class, name = "send"),
  @JsonSubTypes.Type(value = ClientFrame.Ack.class, name = "ack"),
  @JsonSubTypes.Type(value = ClientFrame.History.class, name = "history"),
  @JsonSubTypes.Type(value = ClientFrame.Read.class, name = "read")
})
public sealed interface ClientFrame {
  int MAX_ID_CHARS = 64;

  String rid();

  /** @return a human-readable reason why this frame is malformed, or null when it is fine. */
  default String validate(Limits limits) {
    return null;
  }

  record Hello(String rid, String token, String device, Map<String, Long> cursors)
      implements ClientFrame {
    @Override
    public String validate(Limits limits) {
      if (token == null || token.isEmpty()) return "hello needs a token";
      if (device == null || !device.matches("[A-Za-z0-9_.-]{1,64}"))
        return "device must be 1-64 chars of [A-Za-z0-9_.-]";
      if (cursors != null && cursors.values().stream().anyMatch(s -> s == null || s < 0))
        return "cursors must map conversation ids to seqs >= 0";
      return null;
    }
  }

  record Ping(String rid) implements ClientFrame {}

  record Send(String rid, String conv, String cid, String kind, JsonNode body)
      implements ClientFrame {
    public boolean isRecall() {
      return "recall".equals(kind);
    }

    @Override
    public String validate(Limits limits) {
      if (conv == null || conv.isEmpty()) return "send needs a conv";
      if (cid == null || cid.isEmpty() || cid.length() > MAX_ID_CHARS)
        return "cid must be 1-64 chars";
      if (kind == null || kind.equals("text")) {
        return body != null && body.isTextual() ? null : "body must be a string";
      }
      if (kind.equals("recall")) {
        JsonNode seq = body == null ? null : body.get("seq");
        return seq != null && seq.canConvertToLong() && seq.asLong() >= 1
            ? null
            : "a recall's body must be {\"seq\": n} with n >= 1";
      }
      return "kind must be \"text\" or \"recall\"";
    }
  }

  record Ack(String rid, String conv, Long seq) implements ClientFrame {
    @Override
    public String validate(Limits limits) {
      if (conv == null || seq == null || seq < 0) return "ack needs conv and seq >= 0";
      return null;
    }
  }

  record History(String rid, String conv, Long before, Long after, Integer limit)
      implements ClientFrame {
    @Override
    public String validate(Limits limits) {
      if (conv == null) return "history needs a conv";
      if (before != null && after != null) return "give before or after, not both";
      if ((before != null && before < 0) || (after != null && after < 0))
        return "before and after must be >= 0";
      if (limit != null && (limit < 1 || limit > limits.historyMaxLimit()))
        return "limit must be 1.." + limits.historyMaxLimit();
      return null;
    }
  }

  record Read(String rid, String conv, Long seq) implements ClientFrame {
    @Override
    public String validate(Limits limits) {
      if (conv == null || seq == null || seq < 0) return "read needs conv and seq >= 0";
      return null;
    }
  }

  /** The protocol limits a frame is checked against (from parley.limits). */
  record Limits(int historyMaxLimit, int maxBodyBytes) {}
}
