package io.parley.conversation;

import io.parley.CborSerializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last N entries a conversation stored, by (sender, cid) and by seq: a retried send returns
 * its original {@code sent}, and a recall can check who wrote the entry it withdraws. Mutable on
 * purpose: copying a window of thousands of entries for every message would dominate the
 * entity's command path. Only the entity's own thread touches it; snapshots take an immutable
 * copy ({@link #records()}).
 */
final class DedupWindow {
  private final int capacity;
  private final LinkedHashMap<String, Record> byKey;
  private final Map<Long, Record> bySeq = new java.util.HashMap<>();

  DedupWindow(int capacity) {
    this.capacity = capacity;
    this.byKey =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Record> eldest) {
            if (size() <= DedupWindow.this.capacity) return false;
            bySeq.remove(eldest.getValue().seq());
            return true;
          }
        };
  }

  /** What a stored send got, kept in the window and in snapshots. */
  record Record(String from, String cid, long seq, long ts, String kind, boolean recalled)
      implements CborSerializable {
    Record withdrawn() {
      return new Record(from, cid, seq, ts, kind, true);
    }
  }

  Record find(String from, String cid) {
    return byKey.get(key(from, cid));
  }

  /** The entry with this seq, if it is still in the window. */
  Record at(long seq) {
    return bySeq.get(seq);
  }

  void remember(Record record) {
    byKey.put(key(record.from(), record.cid()), record);
    bySeq.put(record.seq(), record);
  }

  void markRecalled(long seq) {
    Record r = bySeq.get(seq);
    if (r != null) {
      Record withdrawn = r.withdrawn();
      byKey.replace(key(r.from(), r.cid()), withdrawn);
      bySeq.put(seq, withdrawn);
    }
  }

  List<Record> records() {
    return List.copyOf(new ArrayList<>(byKey.values()));
  }

  static DedupWindow of(int capacity, List<Record> records) {
    DedupWindow window = new DedupWindow(capacity);
    records.forEach(window::remember);
    return window;
  }

  private static String key(String from, String cid) {
    return from + '\u0000' + cid;
  }
}
