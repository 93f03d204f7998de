package io.parley.fuzz;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.parley.protocol.ClientFrame;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** Facts about decoded frames that the fuzz properties need. */
final class Decodes {
  private Decodes() {}

  private static final Map<Class<?>, String> WIRE_NAMES = new HashMap<>();
  private static final Map<String, Class<?>> CLASSES = new HashMap<>();

  static {
    for (JsonSubTypes.Type t : ClientFrame.class.getAnnotation(JsonSubTypes.class).value()) {
      WIRE_NAMES.put(t.value(), t.name());
      CLASSES.put(t.name(), t.value());
    }
  }

  /** The Java type of field {@code key} in frames of wire type {@code type}; null if none. */
  static Class<?> fieldType(String type, String key) {
    Class<?> frame = CLASSES.get(type);
    if (frame == null) return null;
    for (RecordComponent c : frame.getRecordComponents())
      if (c.getName().equals(key)) return c.getType();
    return null;
  }

  /** The {@code type} a frame of this class has on the wire. */
  static String wireName(ClientFrame frame) {
    return WIRE_NAMES.get(frame.getClass());
  }

  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /**
   * True when a and b hold the same values. Not {@code equals}: JSON trees compare their number
   * nodes by class, and one codec reads 65571 as an int where the other (given CBOR's 8-byte form)
   * reads a long; both mean the same number and are stored and sent the same way.
   */
  static boolean same(Object a, Object b) {
    try {
      return CANONICAL.writeValueAsString(a).equals(CANONICAL.writeValueAsString(b));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * True when no string anywhere in {@code value} (records, collections, JSON trees, map keys)
   * holds a lone surrogate: such a value can be written as UTF-8, JSON or CBOR.
   */
  static boolean wellFormed(Object value) {
    if (value == null) return true;
    if (value instanceof String s) return !Texts.hasLoneSurrogate(s);
    if (value instanceof JsonNode node) {
      if (node.isTextual()) return wellFormed(node.textValue());
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!wellFormed(field.getKey()) || !wellFormed(field.getValue())) return false;
      }
      if (node.isArray()) for (JsonNode item : node) if (!wellFormed(item)) return false;
      return true;
    }
    if (value instanceof Map<?, ?> map) {
      return map.entrySet().stream()
          .allMatch(e -> wellFormed(e.getKey()) && wellFormed(e.getValue()));
    }
    if (value instanceof Collection<?> items) return items.stream().allMatch(Decodes::wellFormed);
    if (value.getClass().isRecord()) {
      for (RecordComponent c : value.getClass().getRecordComponents()) {
        try {
          if (!wellFormed(c.getAccessor().invoke(value))) return false;
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return true;
  }
}
