package io.parley.edge.transport;

import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;

/**
 * What is written to a socket (through its {@link Outbox}): a frame, or a close after what was
 * queued.
 */
public sealed interface Outbound {
  record Frame(ServerFrame frame) implements Outbound {}

  /** A frame shared by many sockets, encoded once per codec. */
  record Shared(SharedFrame frame) implements Outbound {}

  /** {@code why}: the error the client was just sent, for transports that can pass it on. */
  record Close(ErrorCode why, String reason) implements Outbound {}
}
