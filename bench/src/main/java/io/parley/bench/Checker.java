package io.parley.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lost, duplicated and out-of-order check on every run (docs/protocol.md section 3), in the manner
 * of the test suite's DeliveryChecker but sized for millions of messages: flat arrays by message
 * number instead of sets of keys.
 *
 * <p>Per socket and conversation the seqs of {@code msg} frames must rise by one each time: a
 * repeat is a duplicate delivery, a lower seq is out of order, a skipped seq is a gap. Per message:
 * a {@code sent} ack and every delivery must carry the same seq (else the message was stored
 * twice); every acked message must reach every other socket of its conversation that stayed open
 * (else it is undelivered); and, with the history check, the stored timeline must hold it at its
 * acked seq (else it is lost). Sends answered by an error or not at all are not losses: nothing was
 * promised.
 */
final class Checker {
  private static final int EXAMPLES = 10;

  /** One socket's position in one conversation; touched only by that socket's callback thread. */
  private static final class Track {
    volatile long last;

    Track(long last) {
      this.last = last;
    }
  }

  private final List<Map<String, Track>> tracks = new ArrayList<>();
  private final Set<LoadClient> closed = ConcurrentHashMap.newKeySet();
  final LongAdder duplicateDeliveries = new LongAdder();
  final LongAdder outOfOrder = new LongAdder();
  final LongAdder gaps = new LongAdder();
  private final List<String> examples = new ArrayList<>();

  private final Map<String, Long> setupSeq;

  Checker(int clients, Map<String, Long> setupSeq) {
    for (int i = 0; i < clients; i++) tracks.add(new ConcurrentHashMap<>());
    this.setupSeq = Map.copyOf(setupSeq);
  }

  /**
   * A msg frame reached a socket (client number {@code socket}, signed in as user): check its order
   * there.
   */
  void delivered(int socket, String user, String conv, long seq) {
    Track t =
        tracks.get(socket).computeIfAbsent(conv, c -> new Track(setupSeq.getOrDefault(c, 0L)));
    if (seq <= setupSeq.getOrDefault(conv, 0L)) return;
    if (seq == t.last) {
      duplicateDeliveries.increment();
      example("socket " + user + "/" + socket + " got seq " + seq + " of " + conv + " twice");
    } else if (seq < t.last) {
      outOfOrder.increment();
      example(
          "socket " + user + "/" + socket + " got seq " + seq + " after " + t.last + " in " + conv);
    } else {
      if (seq > t.last + 1) {
        gaps.add(seq - t.last - 1);
        example(
            "socket "
                + user
                + "/"
                + socket
                + " skipped "
                + conv
                + " seqs "
                + (t.last + 1)
                + ".."
                + (seq - 1));
      }
      t.last = seq;
    }
  }

  /**
   * The highest seq socket number {@code socket} got in order in conv (what a cumulative ack may
   * say).
   */
  long last(int socket, String conv) {
    Track t = tracks.get(socket).get(conv);
    return t == null ? 0 : t.last;
  }

  void closed(LoadClient client) {
    closed.add(client);
  }

  boolean isClosed(LoadClient client) {
    return closed.contains(client);
  }

  int closedCount() {
    return closed.size();
  }

  synchronized void example(String problem) {
    if (examples.size() < EXAMPLES) examples.add(problem);
  }

  synchronized List<String> examples() {
    return List.copyOf(examples);
  }

  /** The verdict on one step's messages (the per-socket order counts run across steps). */
  record Verdict(
      long attempted,
      long acked,
      long errored,
      long unanswered,
      long lost,
      long undelivered,
      long duplicated,
      long duplicateDeliveries,
      long outOfOrder,
      long gaps,
      long socketsClosed,
      boolean historyChecked,
      List<String> examples) {
    boolean ok() {
      return lost == 0
          && undelivered == 0
          && duplicated == 0
          && duplicateDeliveries == 0
          && outOfOrder == 0
          && gaps == 0;
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ok", ok());
      m.put("attempted", attempted);
      m.put("acked", acked);
      m.put("errored", errored);
      m.put("unanswered", unanswered);
      m.put("lost", lost);
      m.put("undelivered", undelivered);
      m.put("duplicated", duplicated);
      m.put("duplicate_deliveries", duplicateDeliveries);
      m.put("out_of_order", outOfOrder);
      m.put("gaps", gaps);
      m.put("sockets_closed", socketsClosed);
      m.put("history_checked", historyChecked);
      m.put("examples", examples);
      return m;
    }
  }
}
