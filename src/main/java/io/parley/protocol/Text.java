package io.parley.protocol;

/**
 * What client text must be before Parley stores or echoes it: well-formed Unicode. A Java string
 * can hold a lone UTF-16 surrogate (JSON's {@code "\ud800"} decodes to one), and the journal's CBOR
 * serializer throws on it, so one such body would fail the write that holds it and every post
 * written with it. Checked at the edge (frames, REST bodies) and again by the entities.
 */
public final class Text {
  private static final char REPLACEMENT = '\uFFFD';

  private Text() {}

  /** True when s has no lone surrogate (null counts as well-formed: absence is checked apart). */
  public static boolean wellFormed(String s) {
    if (s == null) return true;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || ++i == n || !Character.isLowSurrogate(s.charAt(i)))
          return false;
      }
    }
    return true;
  }

  /** All of them {@link #wellFormed}. */
  public static boolean wellFormed(Iterable<String> all) {
    if (all == null) return true;
    for (String s : all) if (!wellFormed(s)) return false;
    return true;
  }

  /** s with each lone surrogate replaced by U+FFFD: for messages that quote client text. */
  public static String scrub(String s) {
    if (wellFormed(s)) return s;
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else {
        out.append(Character.isSurrogate(c) ? REPLACEMENT : c);
      }
    }
    return out.toString();
  }

  /**
   * True when bytes are UTF-8 as RFC 3629 defines it: shortest forms only, no encoded surrogates,
   * nothing above U+10FFFF. Jackson's JSON and CBOR parsers decode those three without complaint
   * (an encoded surrogate becomes a lone one), so frames are checked here first.
   */
  public static boolean validUtf8(byte[] bytes) {
    int i = 0;
    int n = bytes.length;
    while (i < n) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        i++;
        continue;
      }
      int more;
      int low = 0x80; // the bounds of the second byte; later ones are always 0x80..0xBF
      int high = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        more = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        more = 2;
        if (b == 0xE0) low = 0xA0; // else overlong
        if (b == 0xED) high = 0x9F; // else a surrogate
      } else if (b >= 0xF0 && b <= 0xF4) {
        more = 3;
        if (b == 0xF0) low = 0x90; // else overlong
        if (b == 0xF4) high = 0x8F; // else above U+10FFFF
      } else {
        return false; // a continuation byte, an overlong 2-byte lead, or not UTF-8 at all
      }
      if (n - i - 1 < more) return false;
      int second = bytes[i + 1] & 0xFF;
      if (second < low || second > high) return false;
      for (int k = 2; k <= more; k++) {
        int next = bytes[i + k] & 0xFF;
        if (next < 0x80 || next > 0xBF) return false;
      }
      i += more + 1;
    }
    return true;
  }
}
