package io.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes a fuzz tree as CBOR (RFC 8949) by hand, with the encodings a CBOR peer may choose
 * (indefinite lengths, longer-than-needed heads, tags, floats of every width) and ones it must not
 * (huge declared lengths, byte strings and integer keys where text belongs, undefined).
 */
final class CborBytes {
  private CborBytes() {}

  enum Twist {
    /** Indefinite-length arrays, maps and chunked strings (valid). */
    INDEFINITE,
    /** Heads in more bytes than needed (valid). */
    NON_MINIMAL,
    /** The self-describe tag 55799 before the frame (valid). */
    SELF_DESCRIBE,
    /** Tags before values: dates, bignums around the wrong content, URIs, nested tags. */
    TAGS,
    /** One string, array or map declaring a length of up to 2^64-1 that never follows. */
    HUGE_LENGTH,
    /** Byte strings where text strings belong. */
    BYTE_STRINGS,
    /** undefined and other simple values instead of null; half- and single-precision floats. */
    ODD_SIMPLE,
    /** Integer map keys. */
    INT_KEYS;

    static final Set<Twist> VALID = Set.of(INDEFINITE, NON_MINIMAL, SELF_DESCRIBE);
  }

  // Major types; 7 (simple values and floats) is written as whole initial bytes.
  private static final int UINT = 0, NEGINT = 1, BYTES = 2, TEXT = 3, ARRAY = 4, MAP = 5, TAG = 6;
  private static final long[] HUGE = {
    Integer.MAX_VALUE, 1L << 31, 0xFFFF_FFFFL, 1L << 53, Long.MAX_VALUE, -1L
  };

  static byte[] write(JsonNode node, Set<Twist> twists, SplittableRandom r) {
    Writer w = new Writer(new ByteArrayOutputStream(), twists, r);
    if (twists.contains(Twist.SELF_DESCRIBE)) w.head(TAG, 55799);
    w.value(node);
    return w.out.toByteArray();
  }

  private static final class Writer {
    final ByteArrayOutputStream out;
    final Set<Twist> twists;
    final SplittableRandom r;
    boolean hugeWritten;

    Writer(ByteArrayOutputStream out, Set<Twist> twists, SplittableRandom r) {
      this.out = out;
      this.twists = twists;
      this.r = r;
    }

    private boolean now(Twist t) {
      return twists.contains(t) && r.nextInt(3) == 0;
    }

    void value(JsonNode node) {
      if (now(Twist.TAGS)) tag();
      if (node instanceof POJONode p && p.getPojo() instanceof Shapes.Deep deep) {
        deep(deep);
      } else if (node.isObject()) {
        boolean indefinite = now(Twist.INDEFINITE);
        if (indefinite) out.write(0xBF);
        else if (!huge(MAP)) head(MAP, node.size());
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> field = fields.next();
          String key =
              field.getKey().startsWith(Shapes.DUPLICATE)
                  ? field.getKey().substring(Shapes.DUPLICATE.length())
                  : field.getKey();
          if (now(Twist.INT_KEYS)) head(UINT, key.length());
          else text(key);
          value(field.getValue());
        }
        if (indefinite) out.write(0xFF);
      } else if (node.isArray()) {
        boolean indefinite = now(Twist.INDEFINITE);
        if (indefinite) out.write(0x9F);
        else if (!huge(ARRAY)) head(ARRAY, node.size());
        for (JsonNode item : node) value(item);
        if (indefinite) out.write(0xFF);
      } else if (node.isTextual()) {
        text(node.textValue());
      } else if (node.isBigInteger()) {
        integer(node.bigIntegerValue());
      } else if (node.isIntegralNumber()) {
        integer(BigInteger.valueOf(node.longValue()));
      } else if (node.isNumber()) {
        floating(node.doubleValue());
      } else if (node.isBoolean()) {
        out.write(node.booleanValue() ? 0xF5 : 0xF4);
      } else if (now(Twist.ODD_SIMPLE)) {
        // undefined, simple(16), simple(32) in two bytes, and simple(16) in two (not well-formed)
        int[][] odd = {{0xF7}, {0xF0}, {0xF8, 0x20}, {0xF8, 0x10}};
        for (int b : odd[r.nextInt(odd.length)]) out.write(b);
      } else {
        out.write(0xF6); // null
      }
    }

    private void deep(Shapes.Deep deep) {
      boolean indefinite = twists.contains(Twist.INDEFINITE);
      for (int i = 0; i < deep.depth(); i++) {
        if (deep.objects()) {
          out.write(indefinite ? 0xBF : 0xA1);
          text("a");
        } else {
          out.write(indefinite ? 0x9F : 0x81);
        }
      }
      out.write(0x00);
      if (indefinite) for (int i = 0; i < deep.depth(); i++) out.write(0xFF);
    }

    private void text(String s) {
      byte[] bytes = Texts.utf8(s);
      int major = now(Twist.BYTE_STRINGS) ? BYTES : TEXT;
      if (now(Twist.INDEFINITE) && bytes.length > 1) {
        out.write(major << 5 | 31);
        int at = 0;
        while (at < bytes.length) {
          int n = Math.min(bytes.length - at, 1 + r.nextInt(bytes.length));
          head(major, n);
          out.write(bytes, at, n);
          at += n;
        }
        out.write(0xFF);
        return;
      }
      if (!huge(major)) head(major, bytes.length);
      out.writeBytes(bytes);
    }

    /** Writes a huge length head for this major type, once per frame; false when it did not. */
    private boolean huge(int major) {
      if (hugeWritten || !now(Twist.HUGE_LENGTH)) return false;
      hugeWritten = true;
      long n = HUGE[r.nextInt(HUGE.length)];
      out.write(major << 5 | 27);
      for (int i = 7; i >= 0; i--) out.write((int) (n >>> (8 * i)));
      return true;
    }

    private void integer(BigInteger v) {
      boolean negative = v.signum() < 0;
      BigInteger magnitude = negative ? v.negate().subtract(BigInteger.ONE) : v;
      if (magnitude.bitLength() <= 64) {
        headUnsigned(negative ? NEGINT : UINT, magnitude.longValue());
      } else {
        head(TAG, negative ? 3 : 2);
        byte[] bytes = magnitude.toByteArray();
        int skip = bytes[0] == 0 ? 1 : 0;
        head(BYTES, bytes.length - skip);
        out.write(bytes, skip, bytes.length - skip);
      }
    }

    private void floating(double d) {
      if (now(Twist.ODD_SIMPLE) && (float) d == d) {
        out.write(0xFA);
        int bits = Float.floatToIntBits((float) d);
        for (int i = 3; i >= 0; i--) out.write(bits >>> (8 * i));
        return;
      }
      out.write(0xFB);
      long bits = Double.doubleToLongBits(d);
      for (int i = 7; i >= 0; i--) out.write((int) (bits >>> (8 * i)));
    }

    private void tag() {
      switch (r.nextInt(6)) {
        case 0 -> head(TAG, 0); // date/time string
        case 1 -> head(TAG, 2); // unsigned bignum: needs a byte string
        case 2 -> head(TAG, 32); // URI
        case 3 -> head(TAG, 1L << 40);
        case 4 -> {
          for (int i = 0; i < 50; i++) head(TAG, 55799);
        }
        default -> head(TAG, 24); // embedded CBOR
      }
    }

    void head(int major, long value) {
      headUnsigned(major, value);
    }

    /** A head; {@code value} is unsigned. NON_MINIMAL may spend more bytes on it than needed. */
    private void headUnsigned(int major, long value) {
      int size =
          Long.compareUnsigned(value, 24) < 0
              ? 0
              : Long.compareUnsigned(value, 0x100) < 0
                  ? 1
                  : Long.compareUnsigned(value, 0x10000) < 0
                      ? 2
                      : Long.compareUnsigned(value, 0x1_0000_0000L) < 0 ? 4 : 8;
      if (now(Twist.NON_MINIMAL) && size < 8) size = size == 0 ? 1 : size * 2;
      if (size == 0) {
        out.write(major << 5 | (int) value);
        return;
      }
      out.write(
          major << 5
              | switch (size) {
                case 1 -> 24;
                case 2 -> 25;
                case 4 -> 26;
                default -> 27;
              });
      for (int i = size - 1; i >= 0; i--) out.write((int) (value >>> (8 * i)));
    }
  }
}
