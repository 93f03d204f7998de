package io.parley.user;

import java.util.HashMap;
import java.util.Map;

/** Copy-on-write helpers for the immutable maps in entity state. */
final class Maps {
  private Maps() {}

  static <K, V> Map<K, V> with(Map<K, V> map, K key, V value) {
    Map<K, V> copy = new HashMap<>(map);
    copy.put(key, value);
    return Map.copyOf(copy);
  }
}
