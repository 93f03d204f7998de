package io.parley.edge.requests;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.Codec;
import io.parley.protocol.ServerFrame;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Cuts a history page to a byte budget (parley.limits.max-page-bytes), so that the largest page the
 * server may produce reaches every client: entries are measured as JSON, which no encoding exceeds
 * (CBOR writes the same fields, without escapes). A cut page keeps the entries next to the cursor
 * and says has_more, so the client pages on from the last entry it got.
 */
public final class PageFit {
  // Only encodes, to measure: the frame limits it would decode with do not matter.
  private static final ObjectMapper JSON = Codec.json(new ClientFrame.Limits(0, 0, 0)).mapper();
  // JSON escapes a control character in six bytes (\u0001): the most one UTF-8 byte can become.
  private static final int MAX_ESCAPE_BYTES = 6;
  // A msg frame's fields besides its body: type, conv, from, kind, seq and ts, and a cid of 64
  // characters that may all be escaped.
  private static final int MSG_FIELDS_BYTES = 1024;

  private final int maxBytes;

  PageFit(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The largest msg frame a text body of at most {@code maxBodyBytes} (UTF-8) can make. */
  static int largestTextMsgBytes(int maxBodyBytes) {
    return MAX_ESCAPE_BYTES * maxBodyBytes + MSG_FIELDS_BYTES;
  }

  /**
   * Why these limits would let a legal reply exceed what a socket can queue ({@code
   * outboundBufferBytes}), or null.
   */
  public static String problem(int maxPageBytes, int maxBodyBytes, int outboundBufferBytes) {
    if (maxPageBytes > outboundBufferBytes) {
      return "parley.limits.max-page-bytes ("
          + maxPageBytes
          + ") exceeds parley.session.outbound-buffer-bytes ("
          + outboundBufferBytes
          + ")";
    }
    int largest = largestTextMsgBytes(maxBodyBytes);
    if (largest > outboundBufferBytes) {
      return "a msg frame of max-body-bytes escaped ("
          + largest
          + " bytes) exceeds parley.session.outbound-buffer-bytes ("
          + outboundBufferBytes
          + ")";
    }
    return null;
  }

  /**
   * The page of {@code msgs} (ascending) that fits the budget. {@code fromOldest}: the cursor is
   * below the page (history after a seq), so the oldest entries are kept; otherwise the newest. At
   * least one entry is kept, however large: a page must make progress.
   */
  ServerFrame.HistoryPage fit(
      String rid, String conv, List<ServerFrame.Msg> msgs, boolean hasMore, boolean fromOldest) {
    // has_more false is the longer of the two envelopes.
    long total = size(new ServerFrame.HistoryPage(rid, conv, List.of(), false));
    int n = msgs.size();
    int kept = 0;
    while (kept < n) {
      ServerFrame.Msg next = msgs.get(fromOldest ? kept : n - 1 - kept);
      total += size(next) + (kept > 0 ? 1 : 0); // and a comma
      if (kept > 0 && total > maxBytes) break;
      kept++;
    }
    if (kept == n) return new ServerFrame.HistoryPage(rid, conv, msgs, hasMore);
    List<ServerFrame.Msg> page = fromOldest ? msgs.subList(0, kept) : msgs.subList(n - kept, n);
    return new ServerFrame.HistoryPage(rid, conv, List.copyOf(page), true);
  }

  private static long size(ServerFrame frame) {
    Counter counter = new Counter();
    try {
      JSON.writeValue(counter, frame);
    } catch (IOException e) {
      throw new IllegalStateException("cannot measure " + frame.getClass().getSimpleName(), e);
    }
    return counter.bytes;
  }

  /** Counts what is written to it and keeps none of it. */
  private static final class Counter extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }
}
