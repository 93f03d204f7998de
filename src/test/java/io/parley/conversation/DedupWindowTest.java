package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.parley.conversation.DedupWindow.Record;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The window against the plainest model of what it promises: the last N entries, looked up by
 * (sender, cid) and by seq, recalls marked, and snapshots that restore the same window.
 */
class DedupWindowTest {
  private static final List<String> SENDERS = List.of("alice", "bob", "carol");

  /** The last {@code capacity} entries in a list, searched from end to end. */
  private static final class Model {
    final int capacity;
    final List<Record> entries = new ArrayList<>();

    Model(int capacity) {
      this.capacity = capacity;
    }

    void remember(Record r) {
      entries.add(r);
      if (entries.size() > capacity) entries.remove(0);
    }

    Record find(String from, String cid) {
      return entries.stream()
          .filter(r -> r.from().equals(from) && r.cid().equals(cid))
          .findFirst()
          .orElse(null);
    }

    Record at(long seq) {
      return entries.stream().filter(r -> r.seq() == seq).findFirst().orElse(null);
    }

    void markRecalled(long seq) {
      entries.replaceAll(r -> r.seq() == seq ? r.withdrawn() : r);
    }
  }

  @Test
  void behavesLikeTheLastNEntriesUnderRandomSendsRetriesAndRecalls() {
    for (int capacity : new int[] {1, 2, 3, 7, 16, 17, 100}) {
      Random random = new Random(capacity);
      DedupWindow window = new DedupWindow(capacity);
      Model model = new Model(capacity);
      long seq = 0;
      for (int step = 0; step < 5_000; step++) {
        String from = SENDERS.get(random.nextInt(SENDERS.size()));
        // A small pool of cids: the same cid from different senders, and reused once it left.
        String cid = "c" + random.nextInt(capacity + 5);
        int op = random.nextInt(10);
        if (op < 6) {
          // The entity stores a send only if its (sender, cid) is not in the window.
          if (window.find(from, cid) == null) {
            seq++;
            String kind = random.nextInt(8) == 0 ? "system" : "text";
            Record r = new Record(from, cid, seq, 1000 + seq, kind, false);
            window.remember(r);
            model.remember(r);
          }
        } else if (op < 7) {
          long target = seq - random.nextInt(capacity + 3);
          window.markRecalled(target);
          model.markRecalled(target);
        } else if (op < 9) {
          long target = seq - random.nextInt(capacity + 3) + 1;
          assertEquals(
              model.at(target), window.at(target), "at(" + target + "), capacity " + capacity);
        }
        assertEquals(
            model.find(from, cid),
            window.find(from, cid),
            from + "/" + cid + ", capacity " + capacity);
        if (step % 97 == 0)
          assertEquals(model.entries, window.records(), "records, capacity " + capacity);
      }
      assertEquals(model.entries, window.records());
    }
  }

  @Test
  void aSnapshotRestoresTheSameWindowAndASmallerCapacityKeepsTheNewest() {
    DedupWindow window = new DedupWindow(10);
    for (long seq = 1; seq <= 25; seq++)
      window.remember(new Record("alice", "c" + seq, seq, seq, "text", false));
    window.markRecalled(20);

    DedupWindow same = DedupWindow.of(10, window.records());
    assertEquals(window.records(), same.records());
    assertEquals(true, same.at(20).recalled());
    assertEquals(16, same.find("alice", "c16").seq());
    assertNull(same.find("alice", "c15"));

    DedupWindow smaller = DedupWindow.of(4, window.records());
    assertEquals(List.of(22L, 23L, 24L, 25L), smaller.records().stream().map(Record::seq).toList());
    assertNull(smaller.find("alice", "c21"));
    assertNull(smaller.at(21));
    assertEquals(25, smaller.find("alice", "c25").seq());

    DedupWindow larger = DedupWindow.of(1000, window.records());
    larger.remember(new Record("bob", "c16", 26, 26, "text", false));
    assertEquals(11, larger.records().size());
    assertEquals(16, larger.find("alice", "c16").seq());
    assertEquals(26, larger.find("bob", "c16").seq());
    assertEquals(26, larger.at(26).seq());
  }
}
