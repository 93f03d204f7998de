package io.parley.conversation;

import io.parley.CborSerializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last N (sender, cid) pairs a conversation stored, with the seq and time each got, so that
 * a retried send returns its original {@code sent}. Mutable on purpose: copying a window of
 * thousands of entries for every message would dominate the entity's command path. Only the
 * entity's own thread touches it; snapshots take an immutable copy ({@link #records()}).
 */
final class DedupWindow {
  private final int capacity;
  private final LinkedHashMap<String, Record> byKey;

  DedupWindow(int capacity) {
    this.capacity = capacity;
    this.byKey =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Record> eldest) {
            return size() > DedupWindow.this.capacity;
          }
        };
  }

  /** What a stored send got, kept in the window and in snapshots. */
  record Record(String from, String cid, long seq, long ts) implements CborSerializable {}

  Record find(String from, String cid) {
    return byKey.get(key(from, cid));
  }

  void remember(String from, String cid, long seq, long ts) {
    byKey.put(key(from, cid), new Record(from, cid, seq, ts));
  }

  List<Record> records() {
    return List.copyOf(new ArrayList<>(byKey.values()));
  }

  static DedupWindow of(int capacity, List<Record> records) {
    DedupWindow window = new DedupWindow(capacity);
    records.forEach(r -> window.remember(r.from(), r.cid(), r.seq(), r.ts()));
    return window;
  }

  private static String key(String from, String cid) {
    return from + '\u0000' + cid;
  }
}
