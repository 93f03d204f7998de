package io.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes a fuzz tree as JSON bytes by hand, so that it can write what Jackson would not: a key
 * twice, a 10,000-deep nesting, a lone surrogate as raw (invalid UTF-8) bytes.
 */
final class JsonBytes {
  private JsonBytes() {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  enum Twist {
    /** Spaces, tabs and newlines between tokens (still valid). */
    WHITESPACE,
    /** Every non-ASCII char as a \\uXXXX escape (still valid). */
    ESCAPE_ALL,
    /** Lone surrogates as their three raw bytes (invalid UTF-8) rather than as escapes. */
    RAW_SURROGATES
  }

  static byte[] write(JsonNode node, Set<Twist> twists, SplittableRandom r) {
    StringBuilder out = new StringBuilder();
    new Writer(out, twists, r).value(node);
    return Texts.utf8(out.toString());
  }

  private record Writer(StringBuilder out, Set<Twist> twists, SplittableRandom r) {
    void value(JsonNode node) {
      space();
      if (node instanceof POJONode p && p.getPojo() instanceof Shapes.Deep deep) {
        deep(deep);
      } else if (node.isObject()) {
        out.append('{');
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> field = fields.next();
          space();
          string(
              field.getKey().startsWith(Shapes.DUPLICATE)
                  ? field.getKey().substring(Shapes.DUPLICATE.length())
                  : field.getKey());
          space();
          out.append(':');
          value(field.getValue());
          if (fields.hasNext()) out.append(',');
        }
        space();
        out.append('}');
      } else if (node.isArray()) {
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) out.append(',');
          value(node.get(i));
        }
        out.append(']');
      } else if (node.isTextual()) {
        string(node.textValue());
      } else {
        out.append(node.asText()); // numbers, booleans, null
      }
      space();
    }

    private void deep(Shapes.Deep deep) {
      for (int i = 0; i < deep.depth(); i++) out.append(deep.objects() ? "{\"a\":" : "[");
      out.append('0');
      for (int i = 0; i < deep.depth(); i++) out.append(deep.objects() ? '}' : ']');
    }

    private void string(String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean pair =
            Character.isHighSurrogate(c)
                && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
        boolean lone =
            Character.isSurrogate(c)
                && !pair
                && !(Character.isLowSurrogate(c)
                    && i > 0
                    && Character.isHighSurrogate(s.charAt(i - 1)));
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20
            || (c >= 0x7F && twists.contains(Twist.ESCAPE_ALL))
            || (lone && !twists.contains(Twist.RAW_SURROGATES))) {
          out.append("\\u")
              .append(HEX[c >> 12])
              .append(HEX[c >> 8 & 0xF])
              .append(HEX[c >> 4 & 0xF])
              .append(HEX[c & 0xF]);
        } else {
          out.append(c);
        }
      }
      out.append('"');
    }

    private void space() {
      if (twists.contains(Twist.WHITESPACE) && r.nextInt(3) == 0)
        out.append(" \t\n\r".charAt(r.nextInt(4)));
    }
  }
}
