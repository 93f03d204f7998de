package io.parley.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;

/** Strings a fuzzer puts into fields, from the ordinary to the hostile, and their UTF-8 bytes. */
final class Texts {
  private Texts() {}

  private static final String[] WORDS = {
    "hi", "hello there", "ok", "see you", "x", "lunch?", "", " ", "null", "0"
  };
  // Well-formed but unusual: accents, CJK, right-to-left, combining marks, zero-width, BOM,
  // a noncharacter, line and paragraph separators, and pairs outside the BMP (emoji).
  private static final String[] UNICODE = {
    "ünïcödé",
    "漢字かな",
    "שלום",
    "مرحبا",
    "e\u0301\u0301\u0301",
    "a\u200bb\u200dc",
    "\ufeff",
    "\uffff",
    "\u2028\u2029",
    "\ud83d\ude00",
    "\ud834\udd1e",
    "\udbff\udfff",
    "ǅ",
    "\u00a0",
    "Ω≈ç√∫"
  };
  private static final String[] LONE_SURROGATES = {
    "\ud800", "\udbff", "\udc00", "\udfff", "\udc00\ud800", "x\ud83d"
  };

  static String word(SplittableRandom r) {
    return WORDS[r.nextInt(WORDS.length)];
  }

  static String unicode(SplittableRandom r) {
    StringBuilder s = new StringBuilder();
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) s.append(UNICODE[r.nextInt(UNICODE.length)]);
    return s.toString();
  }

  static String control(SplittableRandom r) {
    StringBuilder s = new StringBuilder();
    int n = 1 + r.nextInt(8);
    for (int i = 0; i < n; i++) {
      int pick = r.nextInt(10);
      s.append(pick < 8 ? (char) r.nextInt(0x20) : pick == 8 ? '\u007f' : '\u0085');
    }
    return s.toString();
  }

  static String loneSurrogate(SplittableRandom r) {
    return LONE_SURROGATES[r.nextInt(LONE_SURROGATES.length)];
  }

  /** {@code n} chars: one repeated, or a pattern (so a long string costs little to make). */
  static String longText(SplittableRandom r, int n) {
    String unit =
        switch (r.nextInt(4)) {
          case 0 -> "a";
          case 1 -> "\u0001"; // six bytes each once JSON-escaped
          case 2 -> "é漢";
          default -> "\ud83d\ude00"; // one code point, two chars, four UTF-8 bytes
        };
    StringBuilder s = new StringBuilder(n + unit.length());
    while (s.length() < n) s.append(unit);
    s.setLength(n - (unit.length() == 2 && n % 2 == 1 ? 1 : 0)); // never split a pair
    return s.toString();
  }

  /** Any of the above, weighted towards the ordinary. */
  static String any(SplittableRandom r, boolean hostile) {
    int pick = r.nextInt(hostile ? 10 : 6);
    return switch (pick) {
      case 0, 1, 2 -> word(r);
      case 3, 4 -> unicode(r);
      case 5 -> word(r) + unicode(r);
      case 6, 7 -> control(r);
      case 8 -> word(r) + loneSurrogate(r);
      default -> longText(r, 100 + r.nextInt(3000));
    };
  }

  /** True when the string holds a surrogate that is not half of a pair (not well-formed UTF-16). */
  static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
        else return true;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * UTF-8, except that a lone surrogate is written as its own three bytes (CESU-8 style), which no
   * UTF-8 decoder should accept; the JDK's encoder would quietly write '?' instead.
   */
  static byte[] utf8(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      int c = s.charAt(i);
      if (Character.isHighSurrogate((char) c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        c = Character.toCodePoint((char) c, s.charAt(++i));
      }
      if (c < 0x80) {
        out.write(c);
      } else if (c < 0x800) {
        out.write(0xC0 | c >> 6);
        out.write(0x80 | c & 0x3F);
      } else if (c < 0x10000) {
        out.write(0xE0 | c >> 12);
        out.write(0x80 | c >> 6 & 0x3F);
        out.write(0x80 | c & 0x3F);
      } else {
        out.write(0xF0 | c >> 18);
        out.write(0x80 | c >> 12 & 0x3F);
        out.write(0x80 | c >> 6 & 0x3F);
        out.write(0x80 | c & 0x3F);
      }
    }
    return out.toByteArray();
  }

  /** A string for reports: non-ASCII and control chars as \\uXXXX, at most 600 chars. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 600; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7F) out.append(c);
      else out.append(String.format("\\u%04x", (int) c));
    }
    if (out.length() >= 600) out.append("... (").append(s.length()).append(" chars)");
    return out.toString();
  }

  /** Bytes as a short printable string for reports: ASCII as is, the rest as \xNN. */
  static String show(byte[] bytes, int max) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(bytes.length, max); i++) {
      int b = bytes[i] & 0xFF;
      if (b >= 0x20 && b < 0x7F && b != '\\') s.append((char) b);
      else s.append(String.format("\\x%02x", b));
    }
    if (bytes.length > max) s.append("... (").append(bytes.length).append(" bytes)");
    return s.toString();
  }
}
