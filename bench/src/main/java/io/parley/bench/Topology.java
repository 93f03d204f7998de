package io.parley.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who talks to whom in a run: the connected sockets, the sending slots (a socket and the
 * conversation it sends into; message n goes out on slot n mod slots), and every socket of each
 * conversation, which must all receive each of its entries.
 */
final class Topology {
  record Slot(LoadClient client, String conv, int recipients) {}

  final String description;
  final boolean room;
  final List<LoadClient> clients;
  final Map<String, List<LoadClient>> members;
  final List<Slot> slots = new ArrayList<>();

  /** Per conversation, the last seq written during setup (before any step); not checked. */
  final Map<String, Long> setupSeq = new java.util.HashMap<>();

  /** What setup noticed that the steps do not check, for the report. */
  final List<String> notes = new ArrayList<>();

  Topology(
      String description,
      boolean room,
      List<LoadClient> clients,
      Map<String, List<LoadClient>> members) {
    this.description = description;
    this.room = room;
    this.clients = clients;
    this.members = new LinkedHashMap<>(members);
  }

  /** A sender: its pushes go to every other socket of the conversation. */
  void sender(LoadClient client, String conv) {
    slots.add(new Slot(client, conv, members.get(conv).size() - 1));
  }

  /**
   * Sends per second on the busiest sending socket at this total rate: a socket on several slots
   * (the mixed scenario's shorter half goes round twice) sends on each of them.
   */
  double ratePerSender(double rate) {
    Map<LoadClient, Integer> slotsOf = new java.util.HashMap<>();
    int most = 0;
    for (Slot s : slots) most = Math.max(most, slotsOf.merge(s.client(), 1, Integer::sum));
    return rate * most / slots.size();
  }

  /** msg frames received by all sockets so far. */
  long msgsReceived() {
    return clients.stream().mapToLong(c -> c.msgsReceived.sum()).sum();
  }

  /** Delivery acks written by all sockets so far. */
  long acksSent() {
    return clients.stream().mapToLong(c -> c.acksSent.sum()).sum();
  }

  void close() {
    clients.forEach(LoadClient::close);
  }
}
