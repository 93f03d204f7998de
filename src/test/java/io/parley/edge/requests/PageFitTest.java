package io.parley.edge.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import io.parley.edge.session.SessionSettings;
import io.parley.node.ParleyConfig;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.Codec;
import io.parley.protocol.ServerFrame;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** History pages cut to a byte budget, measured against the codecs' real encodings. */
class PageFitTest {
  private static final Codec JSON = Codec.json(new ClientFrame.Limits(200, 16_384, 4096));
  private static final Codec CBOR = Codec.cbor(new ClientFrame.Limits(200, 16_384, 4096));

  private static List<ServerFrame.Msg> msgs(int n, String body) {
    return IntStream.rangeClosed(1, n)
        .mapToObj(
            seq ->
                new ServerFrame.Msg(
                    "d:ann:bob",
                    seq,
                    "ann",
                    "c" + seq,
                    "text",
                    TextNode.valueOf(body),
                    1_700_000_000_000L + seq))
        .toList();
  }

  private static List<Long> seqs(ServerFrame.HistoryPage page) {
    return page.messages().stream().map(ServerFrame.Msg::seq).toList();
  }

  @Test
  void aPageWithinTheBudgetIsLeftWhole() {
    List<ServerFrame.Msg> all = msgs(200, "hello");
    ServerFrame.HistoryPage page = new PageFit(256 * 1024).fit("r", "d:ann:bob", all, false, false);
    assertEquals(all, page.messages());
    assertFalse(page.hasMore());
  }

  @Test
  void aCutPageFitsExactlyAndKeepsTheCursorsEnd() {
    List<ServerFrame.Msg> all = msgs(50, "\u0001".repeat(1000)); // ~6 KB each as JSON
    int budget = 64 * 1024;
    ServerFrame.HistoryPage older = new PageFit(budget).fit("r", "d:ann:bob", all, false, false);
    ServerFrame.HistoryPage newer = new PageFit(budget).fit("r", "d:ann:bob", all, false, true);
    for (ServerFrame.HistoryPage page : List.of(older, newer)) {
      assertTrue(page.hasMore());
      int json = JSON.encode(page).length;
      assertTrue(json <= budget, json + " bytes");
      assertTrue(CBOR.encode(page).length <= json, "CBOR is never larger than JSON");
      // One more entry would not have fitted: the cut is as late as it can be.
      int one = JSON.encode(all.get(0)).length;
      assertTrue(
          json + one + 1 > budget,
          "cut at " + page.messages().size() + " entries, " + json + " bytes");
    }
    int kept = older.messages().size();
    assertEquals(
        IntStream.rangeClosed(51 - kept, 50).asLongStream().boxed().toList(),
        seqs(older),
        "before/latest: the newest");
    assertEquals(
        IntStream.rangeClosed(1, kept).asLongStream().boxed().toList(),
        seqs(newer),
        "after: the oldest");
  }

  @Test
  void anEntryLargerThanTheBudgetStillGoesAloneSoPagingProgresses() {
    List<ServerFrame.Msg> all = msgs(3, "x".repeat(10_000));
    ServerFrame.HistoryPage page = new PageFit(1024).fit("r", "d:ann:bob", all, false, true);
    assertEquals(List.of(1L), seqs(page));
    assertTrue(page.hasMore());
  }

  /** A node's settings from conf/application.conf: no test node (nor Cassandra) needed. */
  private static SessionSettings settings(Map<String, Object> overrides) {
    return SessionSettings.from(ParleyConfig.load(ConfigFactory.parseMap(overrides)));
  }

  @Test
  void theLargestMsgFrameIsBoundedAndTheDefaultsHoldIt() {
    SessionSettings defaults = settings(Map.of());
    var body = "\u0001".repeat(defaults.maxBodyBytes());
    var msg =
        new ServerFrame.Msg(
            "d:" + "a".repeat(32) + ":" + "b".repeat(32),
            Long.MAX_VALUE,
            "a".repeat(32),
            "\u0001".repeat(ClientFrame.MAX_ID_CHARS),
            "text",
            TextNode.valueOf(body),
            Long.MAX_VALUE);
    int largest = JSON.encode(msg).length;
    assertTrue(largest <= PageFit.largestTextMsgBytes(defaults.maxBodyBytes()), largest + " bytes");
    assertTrue(largest <= defaults.maxPageBytes(), "one such msg fits a page");
    assertTrue(
        defaults.maxPageBytes() <= defaults.outboundBufferBytes(), "a page fits a socket's queue");
    assertNull(
        PageFit.problem(
            defaults.maxPageBytes(), defaults.maxBodyBytes(), defaults.outboundBufferBytes()));
    var tooSmall =
        new java.util.HashMap<String, Object>(
            Map.of(
                "parley.session.outbound-buffer-bytes",
                "64 KiB",
                "parley.limits.max-page-bytes",
                "32 KiB"));
    var refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> settings(tooSmall));
    assertNotNull(refused.getMessage());
  }
}
