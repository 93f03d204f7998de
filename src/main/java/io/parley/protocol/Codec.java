package io.parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;

/**
 * Turns wire bytes into {@link ClientFrame}s and {@link ServerFrame}s. One codec per encoding (JSON
 * or CBOR); the objects are the same, so the connection actor never knows which is in use.
 * Thread-safe.
 *
 * <p>JSON must be valid UTF-8 ({@link Text#validUtf8}); text inside a frame must be well-formed
 * Unicode (the frames' {@code validate}, and the rid here). Errors never echo ill-formed text.
 */
public final class Codec {
  private final ObjectMapper mapper;
  // The same mapper, but it refuses to coerce numbers or booleans into strings, and fractions,
  // strings (the empty one too, which Jackson would take for null) or booleans into integers: a
  // field of the wrong JSON type is bad_request (a cid of
  // true is not "true", a seq of 1.5 is not 1), on both decoding paths.
  private final ObjectMapper strict;
  private final ClientFrame.Limits limits;
  private final boolean checksUtf8;

  private Codec(ObjectMapper mapper, ClientFrame.Limits limits) {
    this.mapper =
        mapper
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            // Unknown fields are ignored so that newer clients can talk to older servers.
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            // One frame is one object: `{"type":"ping"} xx` is not a ping with junk after it.
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
    // A key given twice could mean one frame to Parley and another to a proxy or a log reader:
    // refused, not "first type wins".
    this.mapper.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    this.strict = this.mapper.copy();
    for (CoercionInputShape shape :
        new CoercionInputShape[] {
          CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean
        }) {
      strict.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    for (CoercionInputShape shape :
        new CoercionInputShape[] {
          CoercionInputShape.Float,
          CoercionInputShape.String,
          CoercionInputShape.EmptyString,
          CoercionInputShape.Boolean
        }) {
      strict.coercionConfigFor(LogicalType.Integer).setCoercion(shape, CoercionAction.Fail);
    }
    this.limits = limits;
    // CBOR has no byte-level check: its text strings are checked once decoded, like JSON escapes.
    this.checksUtf8 = !(mapper.getFactory() instanceof CBORFactory);
  }

  public static Codec json(ClientFrame.Limits limits) {
    return new Codec(new ObjectMapper(), limits);
  }

  public static Codec cbor(ClientFrame.Limits limits) {
    return new Codec(new ObjectMapper(new CBORFactory()), limits);
  }

  /** Outcome of decoding one inbound frame: exactly one of frame and error is set. */
  public record Decoded(ClientFrame frame, ServerFrame.Error error) {}

  public Decoded decode(byte[] bytes) {
    if (checksUtf8 && !Text.validUtf8(bytes))
      return failed(lenientRid(bytes), "frame is not valid UTF-8");
    // Fast path: well-formed frames bind in one pass. Anything it refuses is decoded again
    // through a tree, which says precisely what is wrong.
    try {
      ClientFrame frame = strict.readValue(bytes, ClientFrame.class);
      if (frame != null && echoable(frame.rid())) {
        if (frame instanceof ClientFrame.Hello h && !h.hasToken()) return tokenless(h.rid());
        String problem = frame.validate(limits);
        return problem == null ? new Decoded(frame, null) : failed(frame.rid(), problem);
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the precise path
    }
    return decodeTree(bytes);
  }

  private Decoded decodeTree(byte[] bytes) {
    JsonNode tree;
    try {
      tree = mapper.readTree(bytes);
    } catch (IOException e) {
      return failed(null, "frame is not valid " + encoding());
    }
    if (tree == null || !tree.isObject()) return failed(null, "a frame must be an object");
    String rid = ridOf(tree);
    JsonNode type = tree.get("type");
    if (type == null || !type.isTextual()) return failed(rid, "a frame needs a string \"type\"");
    JsonNode ridNode = tree.get("rid");
    if (ridNode != null && !ridNode.isNull() && rid == null)
      return failed(null, "rid must be a string of at most 64 chars");
    // A token of the wrong JSON type is as missing as no token: the contract's unauthorized.
    if (type.asText().equals("hello") && !ClientFrame.Hello.isToken(tree.get("token")))
      return tokenless(rid);
    try {
      ClientFrame frame = strict.treeToValue(tree, ClientFrame.class);
      String problem = frame.validate(limits);
      return problem == null ? new Decoded(frame, null) : failed(rid, problem);
    } catch (InvalidTypeIdException e) {
      return failed(rid, "unknown frame type \"" + type.asText() + "\"");
    } catch (JsonProcessingException e) {
      return failed(rid, "malformed " + type.asText() + " frame: " + e.getOriginalMessage());
    }
  }

  /**
   * The answer to a frame over {@code maxFrameBytes}, of which {@code head} is the start: {@code
   * too_large}, with the frame's rid when the head holds all of it as a top-level field.
   */
  public Decoded tooLarge(byte[] head, int maxFrameBytes) {
    String message = "frame exceeds " + maxFrameBytes + " bytes; it was dropped";
    return new Decoded(null, ServerFrame.Error.of(ridIn(head), ErrorCode.TOO_LARGE, message));
  }

  /**
   * A top-level string rid in the first bytes of a frame, read token by token (what follows is cut
   * off, so a whole parse would fail); null when none is there whole or it may not be echoed.
   */
  private String ridIn(byte[] head) {
    try (JsonParser parser = mapper.getFactory().createParser(head)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) return null;
      for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
        boolean isRid = "rid".equals(parser.currentName());
        JsonToken value = parser.nextToken();
        if (isRid) {
          if (value != JsonToken.VALUE_STRING) return null;
          String rid = parser.getText();
          // JSON is checked as UTF-8 up to the rid's end; Jackson decodes ill-formed bytes.
          long end = parser.currentLocation().getByteOffset();
          boolean utf8 = !checksUtf8 || Text.validUtf8(java.util.Arrays.copyOf(head, (int) end));
          return utf8 && echoable(rid) ? rid : null;
        }
        parser.skipChildren();
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null; // cut off (or broken) before a whole rid
    }
  }

  public byte[] encode(ServerFrame frame) {
    try {
      return mapper.writeValueAsBytes(frame);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + frame.getClass().getSimpleName(), e);
    }
  }

  /** The mapper, for tests and tools that build or read frames as trees. */
  public ObjectMapper mapper() {
    return mapper;
  }

  private String encoding() {
    return mapper.getFactory() instanceof CBORFactory ? "CBOR" : "JSON";
  }

  private static String ridOf(JsonNode tree) {
    JsonNode rid = tree.get("rid");
    if (rid == null || !rid.isTextual() || !echoable(rid.textValue())) return null;
    return rid.textValue();
  }

  /** A rid that may be echoed: none, or a well-formed string of at most 64 chars. */
  private static boolean echoable(String rid) {
    return rid == null || (rid.length() <= ClientFrame.MAX_ID_CHARS && Text.wellFormed(rid));
  }

  /** The rid of a frame that is not valid UTF-8, as far as it can be read; else null. */
  private String lenientRid(byte[] bytes) {
    try {
      JsonNode tree = mapper.readTree(bytes);
      return tree != null && tree.isObject() ? ridOf(tree) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** A hello without a token is refused as a bad token is (the session closes on it). */
  private static Decoded tokenless(String rid) {
    return new Decoded(
        null, ServerFrame.Error.of(rid, ErrorCode.UNAUTHORIZED, ClientFrame.Hello.NO_TOKEN));
  }

  /** A bad_request; its message may quote the client (a type, a value), so it is scrubbed. */
  private static Decoded failed(String rid, String message) {
    return new Decoded(null, ServerFrame.Error.of(rid, ErrorCode.BAD_REQUEST, Text.scrub(message)));
  }
}
