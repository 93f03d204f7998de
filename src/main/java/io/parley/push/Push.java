package io.parley.push;

import io.parley.CborSerializable;
import io.parley.conversation.Entry;

/** What core pushes to a device session. Best effort: seq + catch-up repair any loss. */
public sealed interface Push extends SessionMessage, CborSerializable {

  /** A new timeline entry in one of the user's conversations. */
  record Delivery(Entry entry) implements Push {}

  /**
   * {@code user} has read {@code conv} up to {@code seq}: the user's own read on another device,
   * or another member's read receipt. {@code device} is where the read was made (or null), so
   * that device is not told about its own read.
   */
  record ReadMarker(String conv, String user, long seq, String device) implements Push {}
}
