package io.parley.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The top-level scalar fields of a server frame that the load tool looks at, read with a streaming
 * parser (no tree per frame: at tens of thousands of frames a second the client's CPU is the
 * server's CPU on one box). Nested values are skipped; {@code raw} keeps the text for the few
 * frames that need a full read (history pages).
 */
public record Frame(
    String type,
    String rid,
    String conv,
    long seq,
    String from,
    String cid,
    String code,
    long heartbeatMs,
    String raw) {
  private static final JsonFactory FACTORY = new JsonFactory();

  public static Frame parse(String text) {
    String type = null, rid = null, conv = null, from = null, cid = null, code = null;
    long seq = -1, heartbeat = 0;
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT)
        return new Frame("?", null, null, -1, null, null, null, 0, text);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        switch (name) {
          case "type" -> type = p.getText();
          case "rid" -> rid = p.getText();
          case "conv" -> conv = p.getText();
          case "from" -> from = p.getText();
          case "cid" -> cid = p.getText();
          case "code" -> code = p.getText();
          case "seq" -> seq = p.getLongValue();
          case "heartbeat_ms" -> heartbeat = p.getLongValue();
          default -> {}
        }
      }
    } catch (IOException e) {
      return new Frame("?", null, null, -1, null, null, null, 0, text);
    }
    return new Frame(type, rid, conv, seq, from, cid, code, heartbeat, text);
  }
}
