package io.parley.push;

import io.parley.CborSerializable;
import io.parley.conversation.Entry;

/** What core pushes to a device session. Best effort: seq + catch-up repair any loss. */
public sealed interface Push extends SessionMessage, CborSerializable {

  /** A new timeline entry in one of the user's conversations. */
  record Delivery(Entry entry) implements Push {}
}
