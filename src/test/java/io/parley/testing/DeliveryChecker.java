package io.parley.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks one conversation's delivery guarantees (docs/protocol.md sections 3-4) after a test run,
 * in the manner of Jepsen's queue checker: record what clients tried to send, the {@code sent} acks
 * they got, the {@code msg} frames each connection received, and the stored history read back with
 * {@code history}; then {@link #check()} says what was lost, duplicated, unexpected, out of order
 * or missing.
 *
 * <p>The stored history is the truth: a send is judged by whether its (from, cid) is in it, not by
 * what any connection saw. A send that was attempted but never acked may or may not be stored (its
 * outcome is indeterminate); both are fine. Entries the server made itself (no cid) fill their seq
 * but are not matched against sends.
 *
 * <p>A connection label is one socket: order and duplicate deliveries are judged per label, since a
 * reconnecting device legitimately gets unacked entries again. Completeness is asked for explicitly
 * ({@link #expectComplete}), over one or several labels (all sockets of one device).
 *
 * <p>Methods are synchronized so clients may record from their listener threads; the report is
 * sorted, so it does not depend on the interleaving of those threads.
 */
public final class DeliveryChecker {
  private static final int EXAMPLES = 10;

  private final String conv;
  private final Set<Key> attempted = new LinkedHashSet<>();
  private final Map<Key, SortedSet<Long>> acks = new TreeMap<>();
  private final TreeMap<Long, SortedSet<Key>> storedBySeq = new TreeMap<>();
  private final Map<String, List<Delivery>> deliveries = new TreeMap<>();
  private final Set<List<String>> complete = new LinkedHashSet<>();

  public DeliveryChecker(String conv) {
    this.conv = conv;
  }

  /** A client's message identity within the conversation. */
  public record Key(String from, String cid) implements Comparable<Key> {
    private static final Comparator<String> NULLS_FIRST =
        Comparator.nullsFirst(Comparator.naturalOrder());
    private static final Comparator<Key> ORDER =
        Comparator.comparing(Key::from, NULLS_FIRST).thenComparing(Key::cid, NULLS_FIRST);

    @Override
    public int compareTo(Key other) {
      return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
      return from + "/" + cid;
    }
  }

  /** One timeline entry: a seq and who wrote it. */
  public record Entry(long seq, Key key) {
    @Override
    public String toString() {
      return seq + "=" + key;
    }
  }

  /** A (from, cid) acked with more than one seq, or acked with a seq it is not stored at. */
  public record SeqConflict(Key key, List<Long> acked, List<Long> stored) {
    @Override
    public String toString() {
      return key + " acked " + acked + " stored " + stored;
    }
  }

  /** A seq that arrived after a higher one on the same connection. */
  public record OutOfOrder(long seq, long after) {
    @Override
    public String toString() {
      return seq + " after " + after;
    }
  }

  /** A delivery whose (from, cid) is not what the history holds at its seq (maybe nothing). */
  public record Mismatch(long seq, Key received, List<Key> stored) {
    @Override
    public String toString() {
      return seq + " got " + received + " stored " + (stored.isEmpty() ? "nothing" : stored);
    }
  }

  /** What one connection got wrong; {@code received} counts every msg frame it recorded. */
  public record ConnectionReport(
      int received,
      List<Long> duplicateDeliveries,
      List<OutOfOrder> outOfOrder,
      List<Mismatch> mismatched) {
    public boolean ok() {
      return duplicateDeliveries.isEmpty() && outOfOrder.isEmpty() && mismatched.isEmpty();
    }
  }

  /** Sizes of the recorded run, to tell a clean run from an empty one. */
  public record Counts(int attempted, int acked, int stored, long maxSeq) {}

  /**
   * The verdict. {@code missing} is keyed by the connection labels given to {@link
   * #expectComplete}, joined with "+".
   */
  public record Report(
      String conv,
      Counts counts,
      List<Key> lost,
      Map<Key, List<Long>> duplicated,
      List<Entry> unexpected,
      List<SeqConflict> seqConflicts,
      Map<Long, List<Key>> reusedSeqs,
      List<Long> gaps,
      Map<String, ConnectionReport> perConnection,
      Map<String, List<Long>> missing) {

    public boolean ok() {
      return lost.isEmpty()
          && duplicated.isEmpty()
          && unexpected.isEmpty()
          && seqConflicts.isEmpty()
          && reusedSeqs.isEmpty()
          && gaps.isEmpty()
          && perConnection.values().stream().allMatch(ConnectionReport::ok)
          && missing.values().stream().allMatch(List::isEmpty);
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder("delivery of ").append(conv).append(": ");
      s.append(counts.attempted()).append(" attempted, ");
      s.append(counts.acked()).append(" acked, ");
      s.append(counts.stored()).append(" stored (max seq ").append(counts.maxSeq()).append("), ");
      s.append(perConnection.size()).append(" connections: ").append(ok() ? "ok" : "FAILED");
      line(s, "lost (acked, not stored)", lost);
      line(s, "duplicated (stored at several seqs)", pairs(duplicated, " at "));
      line(s, "unexpected (stored, never attempted)", unexpected);
      line(s, "seq conflicts", seqConflicts);
      line(s, "reused seqs (several entries at one seq)", pairs(reusedSeqs, " holds "));
      line(s, "gaps in stored seqs", gaps);
      perConnection.forEach(
          (connection, r) -> {
            String prefix = "connection " + connection + " (" + r.received() + " received) ";
            line(s, prefix + "duplicate deliveries", r.duplicateDeliveries());
            line(s, prefix + "out of order", r.outOfOrder());
            line(s, prefix + "mismatched", r.mismatched());
          });
      missing.forEach((connections, seqs) -> line(s, "never received by " + connections, seqs));
      return s.toString();
    }

    private static List<String> pairs(Map<?, ?> map, String joiner) {
      return map.entrySet().stream().map(e -> e.getKey() + joiner + e.getValue()).toList();
    }

    private static void line(StringBuilder s, String what, Collection<?> problems) {
      if (problems.isEmpty()) return;
      s.append("\n  ").append(what).append(": ").append(problems.size()).append(' ');
      List<String> shown = problems.stream().limit(EXAMPLES).map(String::valueOf).toList();
      s.append(shown);
      if (problems.size() > EXAMPLES) {
        s.append(" (+").append(problems.size() - EXAMPLES).append(" more)");
      }
    }
  }

  private record Delivery(long seq, Key key) {}

  /** A client tried to send (from, cid); it may or may not have been stored. */
  public synchronized void attempted(String from, String cid) {
    attempted.add(new Key(from, cid));
  }

  /** A client got {@code sent} with this seq (call per reply, retries too); implies attempted. */
  public synchronized void acked(String from, String cid, long seq) {
    Key key = new Key(from, cid);
    attempted.add(key);
    acks.computeIfAbsent(key, k -> new TreeSet<>()).add(seq);
  }

  /** A {@code msg} frame of this conversation arrived on a connection; call in arrival order. */
  public synchronized void received(String connection, long seq, String from, String cid) {
    deliveries
        .computeIfAbsent(connection, c -> new ArrayList<>())
        .add(new Delivery(seq, new Key(from, cid)));
  }

  /**
   * One entry of the stored history, in any order; overlapping pages may repeat an entry. A null
   * cid marks an entry the server made itself (not matched against sends).
   */
  public synchronized void stored(long seq, String from, String cid) {
    storedBySeq.computeIfAbsent(seq, s -> new TreeSet<>()).add(new Key(from, cid));
  }

  /**
   * These connections together must have received every stored entry: pass one label for a socket
   * that stayed up, or all of a device's sockets when it reconnected.
   */
  public synchronized void expectComplete(String... connections) {
    if (connections.length == 0) throw new IllegalArgumentException("no connection given");
    complete.add(List.of(connections));
    for (String connection : connections) {
      deliveries.computeIfAbsent(connection, c -> new ArrayList<>());
    }
  }

  public synchronized Report check() {
    Map<Key, SortedSet<Long>> seqsByKey = new TreeMap<>();
    Map<Long, List<Key>> reusedSeqs = new TreeMap<>();
    List<Entry> unexpected = new ArrayList<>();
    storedBySeq.forEach(
        (seq, keys) -> {
          if (keys.size() > 1) reusedSeqs.put(seq, List.copyOf(keys));
          for (Key key : keys) {
            if (key.cid() == null) continue;
            seqsByKey.computeIfAbsent(key, k -> new TreeSet<>()).add(seq);
            if (!attempted.contains(key)) unexpected.add(new Entry(seq, key));
          }
        });

    Map<Key, List<Long>> duplicated = new TreeMap<>();
    seqsByKey.forEach(
        (key, seqs) -> {
          if (seqs.size() > 1) duplicated.put(key, List.copyOf(seqs));
        });

    List<Key> lost = new ArrayList<>();
    List<SeqConflict> seqConflicts = new ArrayList<>();
    acks.forEach(
        (key, acked) -> {
          SortedSet<Long> stored = seqsByKey.getOrDefault(key, Collections.emptySortedSet());
          if (stored.isEmpty()) lost.add(key);
          if (acked.size() > 1 || (!stored.isEmpty() && !stored.containsAll(acked))) {
            seqConflicts.add(new SeqConflict(key, List.copyOf(acked), List.copyOf(stored)));
          }
        });

    long maxSeq = storedBySeq.isEmpty() ? 0 : storedBySeq.lastKey();
    List<Long> gaps = new ArrayList<>();
    for (long seq = 1; seq < maxSeq; seq++) {
      if (!storedBySeq.containsKey(seq)) gaps.add(seq);
    }

    Map<String, ConnectionReport> perConnection = new TreeMap<>();
    deliveries.forEach(
        (connection, received) -> perConnection.put(connection, checkConnection(received)));

    Map<String, List<Long>> missing = new TreeMap<>();
    for (List<String> connections : complete) {
      Set<Long> got = new TreeSet<>();
      for (String connection : connections) {
        for (Delivery d : deliveries.get(connection)) got.add(d.seq());
      }
      List<Long> notGot = storedBySeq.keySet().stream().filter(seq -> !got.contains(seq)).toList();
      missing.put(String.join("+", connections), notGot);
    }

    return new Report(
        conv,
        new Counts(attempted.size(), acks.size(), storedBySeq.size(), maxSeq),
        List.copyOf(lost),
        Collections.unmodifiableMap(duplicated),
        List.copyOf(unexpected),
        List.copyOf(seqConflicts),
        Collections.unmodifiableMap(reusedSeqs),
        List.copyOf(gaps),
        Collections.unmodifiableMap(perConnection),
        Collections.unmodifiableMap(missing));
  }

  private ConnectionReport checkConnection(List<Delivery> received) {
    Set<Long> seen = new TreeSet<>();
    List<Long> duplicateDeliveries = new ArrayList<>();
    List<OutOfOrder> outOfOrder = new ArrayList<>();
    List<Mismatch> mismatched = new ArrayList<>();
    long highest = 0;
    for (Delivery d : received) {
      if (!seen.add(d.seq())) duplicateDeliveries.add(d.seq());
      else if (d.seq() < highest) outOfOrder.add(new OutOfOrder(d.seq(), highest));
      highest = Math.max(highest, d.seq());
      SortedSet<Key> stored = storedBySeq.getOrDefault(d.seq(), Collections.emptySortedSet());
      if (!stored.contains(d.key())) {
        mismatched.add(new Mismatch(d.seq(), d.key(), List.copyOf(stored)));
      }
    }
    return new ConnectionReport(
        received.size(),
        List.copyOf(duplicateDeliveries),
        List.copyOf(outOfOrder),
        List.copyOf(mismatched));
  }
}
