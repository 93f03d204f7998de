package io.parley.push;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.parley.CborSerializable;
import io.parley.timeline.Entry;
import java.util.Map;

/** What core pushes to a device session. Best effort: seq + catch-up repair any loss. */
public sealed interface Push extends SessionMessage, CborSerializable {

  /**
   * A new timeline entry in one of the user's conversations. {@code traceparent}: the push's span
   * when its send is traced (io.parley.tracing), else null.
   */
  record Delivery(Entry entry, @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent)
      implements Push {
    public Delivery(Entry entry) {
      this(entry, null);
    }
  }

  /**
   * {@code user} has read {@code conv} up to {@code seq}: the user's own read on another device, or
   * another member's read receipt. {@code device} is where the read was made (or null), so that
   * device is not told about its own read.
   */
  record ReadMarker(String conv, String user, long seq, String device) implements Push {}

  /**
   * The other member of direct conversation {@code conv}, {@code user}, has a device that holds
   * every entry up to {@code seq} (a delivered receipt; never stored).
   */
  record Delivered(String conv, String user, long seq) implements Push {}

  /** A room's new entry, published once per edge node (rooms have no per-member pushes). */
  record RoomEntry(Entry entry) implements Push {}

  /** Someone types in conv (ephemeral, never stored). */
  record TypingNotice(String conv, String user) implements Push {}

  /** A contact event for this user's devices: "request", "accept" or "remove" from user. */
  record ContactChanged(String event, String user) implements Push {}

  /** A friend's presence changed; lastSeen (epoch ms) is set when offline. */
  record PresenceChanged(String user, String state, Long lastSeen) implements Push {}

  /** The login token with this id was revoked (logout): its sessions must close. */
  record TokenRevoked(String tokenId) implements Push {}

  /**
   * The user entity is stopping (sharding hands its shard to another node, or passivates it): the
   * session attaches again, reaching it where it starts next, rather than at its next refresh.
   */
  enum AttachAgain implements Push {
    INSTANCE
  }

  /**
   * The user entity, started lately, pushed entries of these conversations (up to these seqs)
   * before this session attached to it: the session may have missed them, and reads them from the
   * journal.
   */
  record Missed(Map<String, Long> upTo) implements Push {}
}
