package io.parley.testing;

import java.nio.charset.StandardCharsets;

/** Byte surgery for tests that must send what no encoder would write. */
public final class Bytes {
  private Bytes() {}

  /**
   * A copy of {@code in} with the first occurrence of an ASCII {@code marker} overwritten by {@code
   * with}, byte for byte (same length, so a CBOR or length-prefixed frame stays framed).
   */
  public static byte[] replace(byte[] in, String marker, byte[] with) {
    byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
    if (m.length != with.length)
      throw new IllegalArgumentException("marker and replacement differ in length");
    byte[] out = in.clone();
    for (int i = 0; i + m.length <= out.length; i++) {
      boolean match = true;
      for (int j = 0; j < m.length && match; j++) match = out[i + j] == m[j];
      if (match) {
        System.arraycopy(with, 0, out, i, with.length);
        return out;
      }
    }
    throw new AssertionError("no " + marker);
  }
}
