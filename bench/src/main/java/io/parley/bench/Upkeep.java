package io.parley.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * With {@code --acks batch}, what a client that saves its radio does besides sending and pinging
 * (the pings run from each socket's hello on: {@link Scenarios}): a cumulative delivery {@code ack}
 * per conversation (not in rooms, which keep no cursors) once per interval. With {@code --acks
 * each} every socket acks on receipt instead ({@link LoadClient#ackEachMsg}).
 */
final class Upkeep {
  private Upkeep() {}

  static Progress start(Topology t, Checker checker, int ackIntervalMs) {
    Map<String, Long> acked = new HashMap<>();
    long[] lastAck = {System.nanoTime()};
    return Progress.start(
        () -> {
          long now = System.nanoTime();
          if (ackIntervalMs <= 0 || t.room || now - lastAck[0] < ackIntervalMs * 1_000_000L) return;
          lastAck[0] = now;
          t.members.forEach(
              (conv, clients) -> {
                for (LoadClient c : clients) {
                  long seq = checker.last(c.index, conv);
                  String key = c.index + " " + conv;
                  if (seq > 0 && !Long.valueOf(seq).equals(acked.get(key)) && !c.closed()) {
                    acked.put(key, seq);
                    c.ack(conv, seq);
                  }
                }
              });
        });
  }
}
