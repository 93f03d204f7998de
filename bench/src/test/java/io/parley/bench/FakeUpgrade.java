package io.parley.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The server's half of a WebSocket upgrade, by hand, for tests of the load tool's own client. */
final class FakeUpgrade {
  private FakeUpgrade() {}

  /** Reads the client's request head from {@code in} and answers 101 on {@code out}. */
  static void answer(InputStream in, OutputStream out) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0)
        throw new EOFException("the client closed before its upgrade request ended: " + head);
      head.append((char) b);
    }
    out.write("HTTP/1.1 101 Switching Protocols\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
