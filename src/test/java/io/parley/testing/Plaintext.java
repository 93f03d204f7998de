package io.parley.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether stored bytes give a text away: as UTF-8 (CBOR and JSON strings), UTF-16 either way, hex
 * in either case, or base64 (standard or URL alphabet) at any of its three alignments.
 */
public final class Plaintext {
  private Plaintext() {}

  /** Shorter texts could appear in random bytes by chance (and base64 needs 3 aligned bytes). */
  private static final int MIN_BYTES = 16;

  /** The encodings of {@code text} found in {@code stored}; empty if none. */
  public static List<String> foundIn(byte[] stored, String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length < MIN_BYTES) {
      throw new IllegalArgumentException("too short to look for: at least 16 bytes");
    }
    Map<String, byte[]> forms = new LinkedHashMap<>();
    forms.put("UTF-8", utf8);
    forms.put("UTF-16LE", text.getBytes(StandardCharsets.UTF_16LE));
    forms.put("UTF-16BE", text.getBytes(StandardCharsets.UTF_16BE));
    forms.put("hex", ascii(HexFormat.of().formatHex(utf8)));
    forms.put("HEX", ascii(HexFormat.of().withUpperCase().formatHex(utf8)));
    for (int offset = 0; offset < 3; offset++) {
      // The text's bytes from a 3-byte boundary on encode the same wherever the text sits.
      int length = (utf8.length - offset) / 3 * 3;
      byte[] aligned = Arrays.copyOfRange(utf8, offset, offset + length);
      forms.put(
          "base64+" + offset, ascii(Base64.getEncoder().withoutPadding().encodeToString(aligned)));
      forms.put(
          "base64url+" + offset,
          ascii(Base64.getUrlEncoder().withoutPadding().encodeToString(aligned)));
    }
    List<String> found = new ArrayList<>();
    forms.forEach(
        (name, form) -> {
          if (indexOf(stored, form) >= 0) found.add(name);
        });
    return found;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static int indexOf(byte[] in, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= in.length; i++) {
      for (int j = 0; j < part.length; j++) if (in[i + j] != part[j]) continue outer;
      return i;
    }
    return -1;
  }
}
