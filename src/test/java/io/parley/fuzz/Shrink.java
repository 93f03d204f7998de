package io.parley.fuzz;

import java.util.function.Predicate;

/** Shrinks a failing input: drops ever smaller chunks of bytes while the failure persists. */
final class Shrink {
  private static final int MAX_TRIES = 3_000;

  private Shrink() {}

  static byte[] bytes(byte[] input, Predicate<byte[]> fails) {
    byte[] current = input;
    int tries = 0;
    int chunk = Math.max(1, current.length / 2);
    while (tries < MAX_TRIES) {
      boolean removed = false;
      for (int at = 0; at + chunk <= current.length && tries < MAX_TRIES; tries++) {
        byte[] candidate = new byte[current.length - chunk];
        System.arraycopy(current, 0, candidate, 0, at);
        System.arraycopy(current, at + chunk, candidate, at, current.length - at - chunk);
        if (fails.test(candidate)) {
          current = candidate;
          removed = true;
        } else {
          at += chunk;
        }
      }
      if (!removed) {
        if (chunk == 1) break;
        chunk /= 2;
      }
    }
    return current;
  }
}
