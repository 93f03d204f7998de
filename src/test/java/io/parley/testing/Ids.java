package io.parley.testing;

import java.util.concurrent.ThreadLocalRandom;

/** Fresh user ids per test, so tests share one Cassandra and node without seeing each other. */
public final class Ids {
  private Ids() {}

  public static String user(String name) {
    String suffix = Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
    return (name + "-" + suffix).substring(0, Math.min(32, name.length() + 1 + suffix.length()));
  }

  public static String direct(String a, String b) {
    return a.compareTo(b) < 0 ? "d:" + a + ":" + b : "d:" + b + ":" + a;
  }

  /** A fresh group id (g: and up to 32 chars of [a-z0-9]). */
  public static String group(String name) {
    String suffix = Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
    String id = (name + suffix).replaceAll("[^a-z0-9]", "");
    return "g:" + id.substring(0, Math.min(32, id.length()));
  }
}
