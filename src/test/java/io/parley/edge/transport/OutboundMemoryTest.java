package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.metrics.Metrics;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Await;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.RawWebSocket;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What one socket whose client does not read can make the node hold: at most the outbound byte
 * bound (parley.session.outbound-buffer-bytes at its default), whether it floods pings, is pushed
 * to, or pipelines history requests. Measured by the node's own count of the bytes each socket
 * holds waiting to be written ({@link Metrics#OUTBOUND_PEAK_BYTES}, reset before each test: tests
 * run one at a time), not by heap sampling.
 */
@Integration
class OutboundMemoryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // The bound every socket of this node has: the shipped default.
  private static final long BOUND =
      TestNodes.config(Map.of()).getBytes("parley.session.outbound-buffer-bytes");
  // A client receive buffer this small stalls the node's writes after a few KB.
  private static final int SMALL_RECEIVE_BUFFER = 4096;
  private static final int BODY_BYTES = 16_384;
  private static Node node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    // Only the hello timeout differs from the defaults: the ping flood is sent before hello and
    // may take longer than 10 s on a busy machine.
    node = TestNodes.start(Map.of("parley.session.hello-timeout", "120s"));
    api = new Api(node.httpAddress());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @BeforeEach
  void resetPeak() {
    Metrics.OUTBOUND_PEAK_BYTES.set(0);
  }

  @Test
  void aPingFloodThatIsNeverReadHoldsOnePong() throws Exception {
    int pings = 100_000;
    try (RawWebSocket raw = RawWebSocket.open(node.httpAddress(), SMALL_RECEIVE_BUFFER)) {
      // Before hello, as an unauthenticated client may. 125-byte payloads: the largest a ping has.
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = 1; i <= pings; i++) {
        batch.writeBytes(RawWebSocket.maskedFrame(9, payload(i)));
        if (i % 1000 == 0) {
          raw.write(batch.toByteArray());
          batch.reset();
        }
      }
      raw.write(
          RawWebSocket.maskedFrame(8, new byte[] {(byte) (1000 >>> 8), (byte) (1000 & 0xFF)}));

      // Only now read: the pongs the node wrote, then its close echo.
      int pongs = 0;
      String lastPong = null;
      RawWebSocket.Frame frame;
      while ((frame = raw.read()).opcode() != 8) {
        assertEquals(10, frame.opcode(), "only pongs before the close");
        pongs++;
        lastPong = frame.text();
      }
      long peak = Metrics.OUTBOUND_PEAK_BYTES.get();
      assertTrue(
          peak <= 2 + 125,
          "the socket held " + peak + " bytes waiting to be written; " + pongs + " pongs read");
      assertTrue(
          pongs < pings,
          "pongs were coalesced while the client did not read: " + pongs + " of " + pings);
      assertEquals(
          new String(payload(pings), StandardCharsets.UTF_8),
          lastPong,
          "the last pong answers the last ping");
    }
  }

  @Test
  void aReaderThatNeverReadsIsClosedAtTheByteBound() throws Exception {
    String reader = Ids.user("stuck");
    String writer = Ids.user("flood");
    String readerToken = api.registerAndLogin(reader);
    String writerToken = api.registerAndLogin(writer);
    String conv = Ids.direct(reader, writer);
    long slowBefore = (long) Metrics.SLOW_READERS.count();
    // Control characters: each msg frame is ~97 KiB of JSON for 16 KiB stored (sent over CBOR,
    // whose frame stays within the inbound limit).
    String body = "\u0001".repeat(BODY_BYTES);
    int sends = 200;
    try (RawWebSocket stuck = RawWebSocket.open(node.httpAddress(), SMALL_RECEIVE_BUFFER);
        WsClient cbor = WsClient.cbor(node.httpAddress())) {
      hello(stuck, readerToken);
      cbor.hello(writerToken, "w", null);
      for (int i = 0; i < sends; i++) {
        cbor.send(
            TestClient.frame(
                "send", "rid", "s" + i, "conv", conv, "cid", "c" + i, "kind", "text", "body",
                body));
      }
      for (int i = 0; i < sends; i++)
        assertEquals("sent", cbor.awaitReply("s" + i).get("type").asText());

      Ending end = readToTheEnd(stuck);
      long peak = Metrics.OUTBOUND_PEAK_BYTES.get();
      assertTrue(
          peak <= BOUND,
          "a socket held " + peak + " bytes waiting, above the bound " + BOUND + "; " + end);
      assertEquals(1008, end.closeCode(), "closed as a slow reader: " + end);
      assertTrue(end.reason().contains("slow reader"), end.toString());
      assertTrue(end.msgs() < sends, end.toString());
      assertTrue(Metrics.SLOW_READERS.count() > slowBefore, "counted as a slow reader");
      assertTrue(!cbor.isClosed(), "the writer, who reads, is unaffected");
    }
  }

  @Test
  void aCatchUpLargerThanTheBoundIsPacedNotCutOff() throws Exception {
    String reader = Ids.user("away");
    String writer = Ids.user("wordy");
    String readerToken = api.registerAndLogin(reader);
    String writerToken = api.registerAndLogin(writer);
    String conv = Ids.direct(reader, writer);
    int entries = 100; // ~96 KiB each as JSON: ~9.4 MiB of catch-up, more than twice the bound
    try (WsClient cbor = WsClient.cbor(node.httpAddress())) {
      cbor.hello(writerToken, "w", null);
      String body = "\u0001".repeat(BODY_BYTES);
      for (int i = 0; i < entries; i++) {
        cbor.send(
            TestClient.frame(
                "send", "rid", "s" + i, "conv", conv, "cid", "c" + i, "kind", "text", "body",
                body));
      }
      for (int i = 0; i < entries; i++)
        assertEquals("sent", cbor.awaitReply("s" + i).get("type").asText());
    }
    try (RawWebSocket away = RawWebSocket.open(node.httpAddress(), SMALL_RECEIVE_BUFFER)) {
      String hello =
          "{\"type\":\"hello\",\"token\":\""
              + readerToken
              + "\",\"device\":\"back\",\"cursors\":{\""
              + conv
              + "\":0}}";
      away.write(RawWebSocket.maskedFrame(1, hello.getBytes(StandardCharsets.UTF_8)));
      // Not reading yet: the node fills the socket's queue as far as its pacing lets it.
      Await.until(
          Metrics.OUTBOUND_PEAK_BYTES::get,
          peak -> peak >= BOUND / 2,
          Duration.ofSeconds(30),
          "the catch-up to fill the queue");
      int msgs = 0;
      while (true) {
        RawWebSocket.Frame frame = away.read();
        assertEquals(1, frame.opcode(), "a text frame, not a close: " + frame.text());
        String type = JSON.readTree(frame.payload()).path("type").asText();
        if (type.equals("msg")) msgs++;
        if (type.equals("synced")) break;
      }
      assertEquals(entries, msgs, "the whole catch-up arrived");
      long peak = Metrics.OUTBOUND_PEAK_BYTES.get();
      assertTrue(
          peak <= BOUND, "a socket held " + peak + " bytes waiting, above the bound " + BOUND);
    }
  }

  @Test
  void pipelinedHistoryFromAClientThatDoesNotReadStaysWithinTheBound() throws Exception {
    String reader = Ids.user("pager");
    String writer = Ids.user("seeder");
    String readerToken = api.registerAndLogin(reader);
    String writerToken = api.registerAndLogin(writer);
    String conv = Ids.direct(reader, writer);
    int entries = 200;
    try (WsClient cbor = WsClient.cbor(node.httpAddress())) {
      cbor.hello(writerToken, "w", null);
      String body = "\u0001".repeat(BODY_BYTES);
      for (int i = 0; i < entries; i++) {
        cbor.send(
            TestClient.frame(
                "send", "rid", "s" + i, "conv", conv, "cid", "c" + i, "kind", "text", "body",
                body));
      }
      for (int i = 0; i < entries; i++)
        assertEquals("sent", cbor.awaitReply("s" + i).get("type").asText());
    }
    // Whole pages (200 entries: ~19 MB of JSON each) and many small ones (3 entries: ~290 KB):
    // together far more than the bound, for few reads of the journal (which is shared: dozens of
    // 200-entry reads at once exhaust a test Cassandra's memory).
    ByteArrayOutputStream pipelined = new ByteArrayOutputStream();
    int requests = 0;
    for (int i = 0; i < 2; i++, requests++)
      pipelined.writeBytes(history("h" + requests, conv, 200, entries + 1));
    for (int i = 0; i < 60; i++, requests++)
      pipelined.writeBytes(history("h" + requests, conv, 3, entries + 1 - i));
    try (RawWebSocket stuck = RawWebSocket.open(node.httpAddress(), SMALL_RECEIVE_BUFFER)) {
      hello(stuck, readerToken);
      stuck.write(pipelined.toByteArray());

      Ending end = readToTheEnd(stuck, requests);
      long peak = Metrics.OUTBOUND_PEAK_BYTES.get();
      assertTrue(
          peak <= BOUND,
          "a socket held " + peak + " bytes waiting, above the bound " + BOUND + "; " + end);
      assertTrue(end.histories() >= 1, "pages were served: " + end);
      boolean cutOff = end.closeCode() == 1008 && end.reason().contains("slow reader");
      assertTrue(
          cutOff || end.replies() == requests,
          "closed as a slow reader or every request answered: " + end);
    }
  }

  private static byte[] history(String rid, String conv, int limit, long before) {
    String frame =
        "{\"type\":\"history\",\"rid\":\""
            + rid
            + "\",\"conv\":\""
            + conv
            + "\",\"limit\":"
            + limit
            + ",\"before\":"
            + before
            + "}";
    return RawWebSocket.maskedFrame(1, frame.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] payload(int i) {
    String digits = Integer.toString(i);
    return ("#".repeat(125 - digits.length()) + digits).getBytes(StandardCharsets.UTF_8);
  }

  /** Says hello over a raw socket and reads up to synced. */
  private static void hello(RawWebSocket raw, String token) throws IOException {
    String hello = "{\"type\":\"hello\",\"token\":\"" + token + "\",\"device\":\"raw\"}";
    raw.write(RawWebSocket.maskedFrame(1, hello.getBytes(StandardCharsets.UTF_8)));
    while (true) {
      RawWebSocket.Frame frame = raw.read();
      if (frame.opcode() != 1)
        throw new AssertionError("hello answered with opcode " + frame.opcode());
      String type = JSON.readTree(frame.payload()).path("type").asText();
      if (type.equals("synced")) return;
      if (type.equals("error")) throw new AssertionError("hello refused: " + frame.text());
    }
  }

  /** How a socket that finally reads found its stream: what came, and how it ended. */
  private record Ending(
      int msgs, int histories, int replies, int closeCode, String reason, List<String> errors) {}

  private static Ending readToTheEnd(RawWebSocket raw) throws IOException {
    return readToTheEnd(raw, Integer.MAX_VALUE);
  }

  /** Reads until the node's close frame, or until {@code replies} replies (frames with a rid). */
  private static Ending readToTheEnd(RawWebSocket raw, int replies) throws IOException {
    int msgs = 0;
    int histories = 0;
    int answered = 0;
    List<String> errors = new ArrayList<>();
    try {
      while (answered < replies) {
        RawWebSocket.Frame frame = raw.read();
        if (frame.opcode() == 8) {
          String reason =
              new String(frame.payload(), 2, frame.payload().length - 2, StandardCharsets.UTF_8);
          return new Ending(msgs, histories, answered, frame.code(), reason, errors);
        }
        JsonNode json = JSON.readTree(frame.payload());
        if (json.path("type").asText().equals("msg")) msgs++;
        if (json.path("type").asText().equals("history")) histories++;
        if (json.hasNonNull("rid")) answered++;
        if (json.path("type").asText().equals("error")) errors.add(json.toString());
      }
    } catch (SocketTimeoutException e) {
      return new Ending(
          msgs, histories, answered, -1, "no close within " + TestClient.TIMEOUT, errors);
    } catch (java.io.EOFException e) {
      return new Ending(msgs, histories, answered, -1, "dropped without a close frame", errors);
    }
    return new Ending(msgs, histories, answered, 0, "open", errors);
  }
}
