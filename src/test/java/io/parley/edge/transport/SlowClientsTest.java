package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Await;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.RawWebSocket;
import io.parley.testing.TcpClient;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that hold a socket without using it: a request head that never ends, a TCP socket that
 * never says hello, a reader that never reads. Each is closed by the server within its timeout, and
 * while a thousand of them wait, other clients chat at their usual pace.
 */
@Integration
class SlowClientsTest {
  private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration WRITE_STALL = Duration.ofSeconds(2);
  // What the server may take beyond a timeout on this shared 2-core machine.
  private static final Duration SLACK = Duration.ofSeconds(5);
  private static final int HALF_OPEN = 1000;
  // A send's answer, normally a few milliseconds away; generous for a loaded machine.
  private static final Duration CHAT_REPLY_BOUND = Duration.ofSeconds(2);
  // Messages of ~16 KB stored for the write-stall tests: the largest history page.
  private static final int HISTORY = 200;
  private static final String PARTIAL_UPGRADE = "GET /ws HTTP/1.1\r\nHost: x\r\n";

  private static Node node;

  @BeforeAll
  static void startNode() throws Exception {
    node =
        TestNodes.start(
            Map.of(
                "parley.edge.request-head-timeout", HEAD_TIMEOUT.toMillis() + "ms",
                "parley.session.hello-timeout", HELLO_TIMEOUT.toMillis() + "ms",
                "parley.edge.write-stall-timeout", WRITE_STALL.toMillis() + "ms",
                // Whole 200-entry pages of ~3 MB (the default cuts a page at 256 KiB), so that a
                // few of them overflow the kernel's buffers and the socket's writes stall.
                "parley.limits.max-page-bytes", "4m"));
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) node.close();
  }

  @Test
  void aThousandHalfOpenUpgradesAreClosedWhileOthersChat() throws Exception {
    Api api = new Api(node.httpAddress());
    String alice = Ids.user("alice");
    String bob = Ids.user("bob");
    String conv = Ids.direct(alice, bob);
    List<Socket> halfOpen = new ArrayList<>();
    ExecutorService chatter = Executors.newSingleThreadExecutor();
    AtomicBoolean stop = new AtomicBoolean();
    try (WsClient a = api.phone(alice);
        WsClient b = api.phone(bob)) {
      Future<Long> slowest = chatter.submit(() -> chat(a, b, conv, stop));
      for (int i = 0; i < HALF_OPEN; i++) {
        Socket s = new Socket();
        halfOpen.add(s);
        s.connect(node.httpAddress(), 10_000);
        s.getOutputStream().write(PARTIAL_UPGRADE.getBytes(StandardCharsets.US_ASCII));
      }
      long deadline = System.nanoTime() + HEAD_TIMEOUT.plus(SLACK).toNanos();
      int open = 0;
      for (Socket s : halfOpen) if (!closedByServer(s, deadline)) open++;
      stop.set(true);
      assertEquals(
          0,
          open,
          "half-open upgrades still open " + HEAD_TIMEOUT.plus(SLACK) + " after the last one");
      long slowestMs = slowest.get(30, TimeUnit.SECONDS);
      assertTrue(
          slowestMs < CHAT_REPLY_BOUND.toMillis(),
          "the slowest send->sent while " + HALF_OPEN + " upgrades hung took " + slowestMs + " ms");
    } finally {
      stop.set(true);
      chatter.shutdownNow();
      for (Socket s : halfOpen) s.close();
    }
  }

  @Test
  void aRestRequestHeadThatNeverEndsIsClosed() throws Exception {
    assertClosedWithin(HEAD_TIMEOUT, "GET /api/v1/conversations HTTP/1.1\r\nHost: x\r\nAuthoriz");
  }

  @Test
  void aConnectionThatSendsNothingIsClosed() throws Exception {
    assertClosedWithin(HEAD_TIMEOUT, "");
  }

  @Test
  void aTcpSocketThatNeverSaysHelloIsToldAndClosed() throws Exception {
    long start = System.nanoTime();
    try (TcpClient silent = new TcpClient(node.tcpAddress())) {
      assertEquals("unauthorized", silent.awaitType("error").get("code").asText());
      silent.awaitClose();
      assertTrue(
          elapsed(start).compareTo(HELLO_TIMEOUT.plus(SLACK)) < 0,
          "closed after " + elapsed(start));
    }
  }

  @Test
  void aTcpSocketStuckInsideALengthPrefixIsClosed() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(node.tcpAddress(), 10_000);
      s.getOutputStream().write(new byte[] {0, 0});
      assertTrue(
          closedByServer(s, System.nanoTime() + HELLO_TIMEOUT.plus(SLACK).toNanos()),
          "half a length prefix still open after " + HELLO_TIMEOUT.plus(SLACK));
    }
  }

  @Test
  void aWebSocketReaderThatNeverReadsIsResetOnceItsWritesStall() throws Exception {
    Api api = new Api(node.httpAddress());
    String alice = Ids.user("alice");
    String bob = Ids.user("bob");
    String conv = Ids.direct(alice, bob);
    String bobToken = api.registerAndLogin(bob);
    try (WsClient a = api.phone(alice)) {
      fillHistory(a, conv);
    }
    try (Socket stalled = nonReadingWebSocket(node.httpAddress(), bobToken, null)) {
      // Pages of ~3 MB each: more than the kernel's buffers (at most 4 MB here) and Pekko's
      // write buffer hold, with one page left over that must wait.
      for (int i = 0; i < 4; i++) {
        writeText(
            stalled,
            "{\"type\":\"history\",\"rid\":\"h"
                + i
                + "\",\"conv\":\""
                + conv
                + "\",\"after\":0,\"limit\":200}");
      }
      awaitReset(stalled, WRITE_STALL.plus(SLACK).plusSeconds(5));
    }
  }

  /**
   * The session closes itself (its token expires) while its last writes cannot reach a client that
   * does not read: the close itself must not wait for them forever.
   */
  @Test
  void aCloseThatCannotBeWrittenStillEndsTheSocket() throws Exception {
    Duration ttl = Duration.ofSeconds(8);
    try (Node shortTokens =
        TestNodes.start(
            Map.of(
                "parley.auth.token-ttl", ttl.toMillis() + "ms",
                "parley.edge.write-stall-timeout", WRITE_STALL.toMillis() + "ms",
                "parley.limits.max-page-bytes", "4m"))) {
      Api api = new Api(shortTokens.httpAddress());
      String alice = Ids.user("alice");
      String bob = Ids.user("bob");
      String conv = Ids.direct(alice, bob);
      api.register(bob, "password-" + bob);
      try (WsClient a = api.phone(alice)) {
        fillHistory(a, conv);
      }
      // Logged in last: the token expires ttl from now, while the pages wait to be written.
      try (Socket stalled = nonReadingWebSocket(shortTokens.httpAddress(), login(api, bob), conv)) {
        // One page the socket cannot take whole; when the token expires, the error and the
        // close queue behind it. (SocketGuardTest covers a close that got past Pekko's buffer.)
        writeText(
            stalled,
            "{\"type\":\"history\",\"rid\":\"h\",\"conv\":\""
                + conv
                + "\",\"after\":0,\"limit\":200}");
        awaitReset(stalled, ttl.plus(WRITE_STALL).plus(SLACK));
      }
    }
  }

  /** Alice and Bob take turns; returns the slowest send->sent in ms. */
  private static long chat(WsClient a, WsClient b, String conv, AtomicBoolean stop)
      throws Exception {
    long slowest = 0;
    int turn = 0;
    while (!stop.get()) {
      WsClient from = turn % 2 == 0 ? a : b;
      long start = System.nanoTime();
      from.sentSeq(conv, "c" + turn, "turn " + turn);
      slowest = Math.max(slowest, elapsed(start).toMillis());
      turn++;
    }
    assertTrue(turn > 10, "only " + turn + " turns of chat");
    b.awaitMsgs(conv, turn);
    return slowest;
  }

  /** 200 messages of ~16 KB, so that one history page is ~3 MB. */
  private static void fillHistory(WsClient client, String conv) throws Exception {
    String body = "x".repeat(16_000);
    int n = HISTORY;
    for (int i = 0; i < n; i++) {
      client.send(
          TestClient.frame(
              "send", "rid", "f" + i, "conv", conv, "cid", "f" + i, "kind", "text", "body", body));
    }
    for (int i = 0; i < n; i++) {
      var reply = client.awaitReply("f" + i);
      assertEquals("sent", reply.get("type").asText(), reply.toString());
    }
  }

  private static String login(Api api, String user) throws Exception {
    Api.Response session =
        api.post("/sessions", Map.of("user", user, "password", "password-" + user));
    assertEquals(200, session.status(), session.toString());
    return session.body().get("token").asText();
  }

  /**
   * A WebSocket that said hello and will never read again; its receive buffer is small. With {@code
   * caughtUp}, its hello says it has all of that conversation: no catch-up is sent.
   */
  private static Socket nonReadingWebSocket(
      InetSocketAddress address, String token, String caughtUp) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(address, 10_000);
    s.getOutputStream().write(RawWebSocket.upgradeRequest(address, "13"));
    StringBuilder head = new StringBuilder();
    InputStream in = s.getInputStream();
    while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.read());
    assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
    String cursors = caughtUp == null ? "" : ",\"cursors\":{\"" + caughtUp + "\":" + HISTORY + "}";
    writeText(
        s,
        "{\"type\":\"hello\",\"token\":\"" + token + "\",\"device\":\"stalled\"" + cursors + "}");
    return s;
  }

  private static void writeText(Socket s, String json) throws IOException {
    s.getOutputStream().write(RawWebSocket.maskedFrame(1, json.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Waits until the server has reset the socket, seen without reading from it: once the reset
   * arrives, the next write fails. Each probe is an unsolicited WebSocket pong, which the server
   * ignores: a probe must not give the server more to write.
   */
  private static void awaitReset(Socket s, Duration within) throws Exception {
    Await.until(
        () -> {
          try {
            s.getOutputStream().write(RawWebSocket.maskedFrame(10, new byte[] {'p'}));
            return false;
          } catch (IOException reset) {
            return true;
          }
        },
        reset -> reset,
        within,
        "the server resetting a socket whose reader never reads");
  }

  private static void assertClosedWithin(Duration timeout, String partial) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(node.httpAddress(), 10_000);
      s.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
      assertTrue(
          closedByServer(s, System.nanoTime() + timeout.plus(SLACK).toNanos()),
          "'" + partial + "' still open after " + timeout.plus(SLACK));
    }
  }

  /** Whether the server closes (or resets) the socket before the deadline; reads what it says. */
  private static boolean closedByServer(Socket s, long deadlineNanos) throws IOException {
    InputStream in = s.getInputStream();
    while (true) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
      s.setSoTimeout((int) Math.max(1, left));
      try {
        if (in.read() < 0) return true;
      } catch (SocketTimeoutException stillOpen) {
        return false;
      } catch (IOException reset) {
        return true;
      }
    }
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
