package io.parley.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Counts, per socket, the live pushes of the entries a scenario writes while it sets up (seq 1 of
 * each conversation: a group's {@code created}, a direct conversation's priming post), so the first
 * step starts after they arrived rather than with them in flight. No step checks them.
 */
final class SetupPushes implements LoadClient.Handler {
  private final List<LoadClient> clients;
  private final AtomicIntegerArray pushes;
  private final CountDownLatch allReached;

  /** Starts counting on every socket (until a step installs its own handler). */
  SetupPushes(List<LoadClient> clients) {
    this.clients = clients;
    this.pushes = new AtomicIntegerArray(clients.size());
    this.allReached = new CountDownLatch(clients.size());
    clients.forEach(c -> c.handler(this));
  }

  @Override
  public void onFrame(LoadClient client, Frame frame, long atNanos) {
    if ("msg".equals(frame.type()) && pushes.getAndIncrement(client.index) == 0)
      allReached.countDown();
  }

  @Override
  public void onClosed(LoadClient client, int status) {}

  /**
   * Waits for every member socket to get its setup entry, marks seq 1 of each conversation as setup
   * (not a gap, not checked), and notes sockets that got nothing. The wait ends as soon as the last
   * one arrives; its bound is the setup replies' ({@link LoadClient#SETUP_REPLY_SECONDS}), as a
   * push missing that long is lost, not slow.
   */
  void settle(Topology t, Map<String, List<LoadClient>> members) throws InterruptedException {
    allReached.await(LoadClient.SETUP_REPLY_SECONDS, TimeUnit.SECONDS);
    members.keySet().forEach(conv -> t.setupSeq.put(conv, 1L));
    long missing = allReached.getCount();
    if (missing > 0) {
      t.notes.add(
          missing
              + " of "
              + clients.size()
              + " member sockets got no live msg for their conversation's setup entry (seq 1) within "
              + LoadClient.SETUP_REPLY_SECONDS
              + " s");
    }
  }
}
