package io.parley.edge.session;

import io.parley.conversation.ConversationId;
import io.parley.timeline.Entry;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * One device session's view of its conversations: the highest seq it has seen in each (from sync,
 * entries written and history), and its delivery acks not yet stored. A device holds at most what
 * reached it, so an ack is clamped to what it has seen: a stored cursor beyond the timeline would
 * skip the next entries in every later catch-up. Not thread-safe: owned by one session.
 */
final class DeviceCursors {
  private final String user;
  // Both empty and immutable until first written: a user in no conversation, or a device that
  // never acks, keeps no table.
  private Map<String, Long> lastSeen = Collections.emptyMap();
  private Map<String, Long> unflushed = Collections.emptyMap();
  // Per direct conversation, the highest ack this session passed on for a delivered receipt.
  private Map<String, Long> told = Collections.emptyMap();
  // The latest ack taken, clamped, and its conversation (for rose).
  private String lastConv;
  private long lastAck;

  DeviceCursors(String user) {
    this.user = user;
  }

  /** The highest seq seen in conv, or null when the session knows no membership there. */
  Long seen(String conv) {
    return lastSeen.get(conv);
  }

  /** Whether the session knows the user is in conv (by the hello sync, entries or pages since). */
  boolean knows(String conv) {
    return lastSeen.containsKey(conv);
  }

  void saw(String conv, long seq) {
    if (!(lastSeen instanceof HashMap)) lastSeen = new HashMap<>();
    lastSeen.merge(conv, seq, Math::max);
  }

  /** Entries reach a user only in their conversations; a system entry may remove them. */
  void track(Entry e) {
    if (e.removes(user)) lastSeen.remove(e.conv());
    else saw(e.conv(), e.seq());
  }

  /** {@code write}, which sees each entry as it writes it: entries reach the socket through it. */
  Consumer<Entry> seeing(Consumer<Entry> write) {
    return e -> {
      track(e);
      write.accept(e);
    };
  }

  /** Takes a cumulative ack, clamped to what was seen; false when conv is not the user's. */
  boolean acked(String conv, long seq) {
    Long seen = lastSeen.get(conv);
    if (seen == null) return false;
    if (!(unflushed instanceof HashMap)) unflushed = new HashMap<>();
    lastConv = conv;
    lastAck = Math.min(seq, seen);
    unflushed.merge(conv, lastAck, Math::max);
    return true;
  }

  /**
   * The ack just {@link #acked} in a direct conversation, when it is above any this session passed
   * on before (for a delivered receipt); else 0. Groups and rooms have no delivered receipts.
   */
  long rose(String conv) {
    if (!conv.equals(lastConv) || lastAck <= 0) return 0;
    if (!ConversationId.parse(conv).map(ConversationId::isDirect).orElse(false)) return 0;
    if (lastAck <= told.getOrDefault(conv, 0L)) return 0;
    if (!(told instanceof HashMap)) told = new HashMap<>();
    told.put(conv, lastAck);
    return lastAck;
  }

  /**
   * Stores the acks not yet stored in the user entity; nobody waits (every ack-flush, and at
   * close).
   */
  void store(EntityRef<UserEntity.Command> user, String device) {
    Map<String, Long> acks = takeUnflushed();
    if (acks != null) user.tell(new UserEntity.AdvanceCursors(device, acks, null));
  }

  /** Stores them now; done once stored (an ack with a rid is answered then). */
  CompletionStage<Done> storeNow(
      EntityRef<UserEntity.Command> user, String device, Duration timeout) {
    Map<String, Long> acks = takeUnflushed();
    return user.ask(replyTo -> new UserEntity.AdvanceCursors(device, acks, replyTo), timeout);
  }

  /** The acks not yet stored, handed over for storing (null when there are none). */
  Map<String, Long> takeUnflushed() {
    if (unflushed.isEmpty()) return null;
    Map<String, Long> acks = Map.copyOf(unflushed);
    unflushed.clear();
    return acks;
  }
}
