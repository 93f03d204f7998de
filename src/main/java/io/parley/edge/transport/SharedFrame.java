package io.parley.edge.transport;

import io.parley.protocol.Codec;
import io.parley.protocol.ServerFrame;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A frame going to many sockets (a room entry): encoded once per codec, not once per socket. Socket
 * streams on several threads share it, hence the concurrent cache.
 */
public final class SharedFrame {
  private final ServerFrame frame;
  private final ConcurrentHashMap<Codec, byte[]> encoded = new ConcurrentHashMap<>(4);

  public SharedFrame(ServerFrame frame) {
    this.frame = frame;
  }

  byte[] encoded(Codec codec) {
    return encoded.computeIfAbsent(codec, c -> c.encode(frame));
  }
}
