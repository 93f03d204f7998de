package io.parley.conversation;

import io.parley.CborSerializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last N entries a conversation stored, by (sender, cid) and by seq: a retried send returns its
 * original {@code sent}, and a recall can check who wrote the entry it withdraws. Mutable on
 * purpose: copying a window of thousands of entries for every message would dominate the entity's
 * command path. Only the entity's own thread touches it; snapshots take an immutable copy ({@link
 * #records()}).
 *
 * <p>Kept small per entry (~200 bytes with its cid): every active conversation holds up to N of
 * them, they live for N messages, and the node's young collections copy each of them several times
 * before it leaves the window. With a key string and a second map per entry (~400 bytes), 50 busy
 * conversations kept 20 MB in the survivor space and young pauses at ~50 ms (docs/benchmarks.md).
 */
final class DedupWindow {
  private final int capacity;
  private final Map<Key, Record> byKey = new HashMap<>();
  // Entries in the order they were remembered (ascending seq), as a growable ring.
  private Record[] ring;
  private int head;
  private int size;

  DedupWindow(int capacity) {
    this.capacity = capacity;
    this.ring = new Record[16]; // grows by doubling, a power of two for slot()
  }

  /** What a stored send got, kept in the window and in snapshots. */
  record Record(String from, String cid, long seq, long ts, String kind, boolean recalled)
      implements CborSerializable {
    Record withdrawn() {
      return new Record(from, cid, seq, ts, kind, true);
    }
  }

  private record Key(String from, String cid) {}

  Record find(String from, String cid) {
    return byKey.get(new Key(from, cid));
  }

  /** The entry with this seq, if it is still in the window. */
  Record at(long seq) {
    int i = indexOf(seq);
    return i < 0 ? null : ring[slot(i)];
  }

  void remember(Record record) {
    if (capacity <= 0) return;
    if (size == capacity) forgetOldest();
    if (size == ring.length) grow();
    ring[slot(size)] = record;
    size++;
    byKey.put(new Key(record.from(), record.cid()), record);
  }

  void markRecalled(long seq) {
    int i = indexOf(seq);
    if (i < 0) return;
    Record withdrawn = ring[slot(i)].withdrawn();
    ring[slot(i)] = withdrawn;
    byKey.replace(new Key(withdrawn.from(), withdrawn.cid()), withdrawn);
  }

  List<Record> records() {
    List<Record> records = new ArrayList<>(size);
    for (int i = 0; i < size; i++) records.add(ring[slot(i)]);
    return List.copyOf(records);
  }

  static DedupWindow of(int capacity, List<Record> records) {
    DedupWindow window = new DedupWindow(capacity);
    records.forEach(window::remember);
    return window;
  }

  private void forgetOldest() {
    Record oldest = ring[head];
    ring[head] = null;
    head = (head + 1) & (ring.length - 1);
    size--;
    // Only if the key still means this entry: a cid may be stored again once it has left.
    byKey.remove(new Key(oldest.from(), oldest.cid()), oldest);
  }

  private void grow() {
    Record[] bigger = new Record[ring.length * 2];
    for (int i = 0; i < size; i++) bigger[i] = ring[slot(i)];
    ring = bigger;
    head = 0;
  }

  /**
   * The position of seq from the oldest entry, or -1. The entity remembers seq n + 1 after n, so
   * the window's seqs are consecutive; the check makes anything else a miss, never a wrong entry.
   */
  private int indexOf(long seq) {
    if (size == 0) return -1;
    long i = seq - ring[head].seq();
    return i >= 0 && i < size && ring[slot((int) i)].seq() == seq ? (int) i : -1;
  }

  private int slot(int i) {
    return (head + i) & (ring.length - 1);
  }
}
