package io.parley.bench.chaos;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.bench.chaos.Records.Attempt;
import io.parley.bench.chaos.Records.Delivery;
import io.parley.bench.chaos.Records.Outcome;
import io.parley.bench.chaos.Records.Send;
import io.parley.bench.chaos.Records.Source;
import io.parley.edge.budgets.RateLimiter;
import io.parley.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load's client behaviour against scripted edges: retries by cid, failover, cursors, gaps. */
class ClientBehaviourTest {
  private static final String CONV = "d:ta:tb";
  private static final Duration WAIT = Duration.ofSeconds(10);
  // Hedges later than the answer timeout: the tests of the timeout path see none.
  private static final Timings FAST =
      new Timings(
          Duration.ofSeconds(2),
          Duration.ofMillis(100),
          Duration.ofMillis(400),
          Duration.ofSeconds(2),
          Duration.ofMillis(400),
          Duration.ofSeconds(1));
  // Hedges well before the answer timeout.
  private static final Timings HEDGING =
      new Timings(
          FAST.connect(),
          FAST.pingEvery(),
          FAST.pongTimeout(),
          FAST.helloTimeout(),
          Duration.ofSeconds(5),
          Duration.ofMillis(300));

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
  }

  /** An edge that welcomes every hello and answers pings; {@code sends} answers sends. */
  private FakeEdge edge(FakeEdge.Script sends) throws IOException {
    FakeEdge edge =
        new FakeEdge(
            (conn, f) -> {
              switch (f.path("type").asText()) {
                case "hello" -> conn.welcome("ta");
                case "ping" -> conn.send("{\"type\":\"pong\"}");
                default -> sends.frame(conn, f);
              }
            });
    open.add(edge);
    return edge;
  }

  private Device device(Duration retryFor, FakeEdge... edges) throws Exception {
    return device(FAST, retryFor, edges);
  }

  private Device device(Timings timings, Duration retryFor, FakeEdge... edges) throws Exception {
    List<InetSocketAddress> addresses = List.of(edges).stream().map(FakeEdge::address).toList();
    Shared shared = new Shared(addresses, retryFor, timings, 1);
    open.add(shared);
    Device device = new Device("ta", "d0", CONV, "token", 0, shared);
    shared.timers.scheduleAtFixedRate(device::upkeep, 50, 50, TimeUnit.MILLISECONDS);
    device.start();
    device.ready().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return device;
  }

  private static void answer(FakeEdge.Conn conn, JsonNode send, String reply) throws IOException {
    conn.send(reply.replace("RID", send.path("rid").asText()));
  }

  private static Send settledSend(Device device) throws Exception {
    Await.until(device.outbox::settled, s -> s, WAIT, "the send settled");
    return device.outbox.sends().get(0);
  }

  @Test
  void aSendAnsweredUnavailableThenInternalIsRetriedWithItsCidWithBackoffUntilSent()
      throws Exception {
    AtomicInteger tries = new AtomicInteger();
    FakeEdge edge =
        edge(
            (conn, f) -> {
              if (!"send".equals(f.path("type").asText())) return;
              switch (tries.incrementAndGet()) {
                case 1 ->
                    answer(
                        conn, f, "{\"type\":\"error\",\"rid\":\"RID\",\"code\":\"unavailable\"}");
                case 2 ->
                    answer(conn, f, "{\"type\":\"error\",\"rid\":\"RID\",\"code\":\"internal\"}");
                default ->
                    answer(
                        conn,
                        f,
                        "{\"type\":\"sent\",\"rid\":\"RID\",\"conv\":\""
                            + CONV
                            + "\",\"cid\":\"x1\",\"seq\":7,\"ts\":1}");
              }
            });
    Device device = device(Duration.ofSeconds(30), edge);
    device.outbox.issue("x1");
    Send send = settledSend(device);
    assertEquals(
        List.of(Outcome.UNAVAILABLE, Outcome.INTERNAL, Outcome.SENT),
        send.attempts().stream().map(Attempt::outcome).toList());
    assertEquals(7, send.ackedSeq());
    assertEquals(
        List.of("x1", "x1", "x1"),
        edge.frames("send").stream().map(f -> f.path("cid").asText()).toList());
    // 200 ms after the refusal, then 400 ms after the internal error.
    List<Attempt> a = send.attempts();
    assertTrue(Duration.between(a.get(0).answeredAt(), a.get(1).at()).toMillis() >= 200);
    assertTrue(Duration.between(a.get(1).answeredAt(), a.get(2).at()).toMillis() >= 400);
  }

  @Test
  void anUnansweredSendIsRetriedByCidAndItsLateAnswerIsKept() throws Exception {
    Map<Integer, JsonNode> held = new ConcurrentHashMap<>();
    FakeEdge edge =
        edge(
            (conn, f) -> {
              if (!"send".equals(f.path("type").asText())) return;
              if (held.isEmpty()) {
                held.put(1, f);
                return;
              }
              String sent = "{\"type\":\"sent\",\"rid\":\"RID\",\"seq\":3}";
              answer(conn, f, sent);
              answer(conn, held.get(1), sent);
            });
    Device device = device(Duration.ofSeconds(30), edge);
    device.outbox.issue("x1");
    Await.until(
        () -> device.outbox.sends().get(0).attempts(),
        a -> a.size() == 2 && a.get(0).outcome() == Outcome.SENT,
        WAIT,
        "the late answer");
    List<Attempt> a = device.outbox.sends().get(0).attempts();
    assertTrue(a.get(0).late());
    assertEquals(3, a.get(0).seq());
    assertFalse(a.get(1).late());
    assertEquals(3, a.get(1).seq());
    assertEquals(2, edge.frames("send").size());
  }

  @Test
  void aClosedSocketSendsTheDeviceToTheNextEdgeWithItsCursorAndItsUnackedSend() throws Exception {
    FakeEdge first =
        edge(
            (conn, f) -> {
              if (!"send".equals(f.path("type").asText())) return;
              conn.send(msg(1, "old1"));
              conn.send(msg(2, "old2"));
              conn.close();
            });
    FakeEdge second =
        edge(
            (conn, f) -> {
              if ("send".equals(f.path("type").asText()))
                answer(conn, f, "{\"type\":\"sent\",\"rid\":\"RID\",\"seq\":3}");
            });
    Device device = device(Duration.ofSeconds(30), first, second);
    device.outbox.issue("x1");
    Send send = settledSend(device);
    assertEquals(
        List.of(Outcome.CLOSED, Outcome.SENT),
        send.attempts().stream().map(Attempt::outcome).toList());
    assertEquals(first.address().getPort(), port(send.attempts().get(0).edge()));
    assertEquals(second.address().getPort(), port(send.attempts().get(1).edge()));
    assertEquals("x1", second.frames("send").get(0).path("cid").asText());
    assertEquals(2, second.frames("hello").get(0).path("cursors").path(CONV).asLong());
  }

  @Test
  void aMissedPongSendsTheDeviceToTheNextEdge() throws Exception {
    FakeEdge silent =
        new FakeEdge(
            (conn, f) -> {
              if ("hello".equals(f.path("type").asText())) conn.welcome("ta");
            });
    open.add(silent);
    FakeEdge second = edge((conn, f) -> {});
    Device device = device(Duration.ofSeconds(30), silent, second);
    Await.until(
        () -> second.frames("hello").size(), n -> n == 1, WAIT, "a hello to the second edge");
    Await.until(device::isReady, r -> r, WAIT, "ready on the second edge");
    assertEquals("missed pong", device.lastDrop());
  }

  @Test
  void aHelloThatIsNeverAnsweredSendsTheDeviceToTheNextEdge() throws Exception {
    FakeEdge mute = new FakeEdge((conn, f) -> {});
    open.add(mute);
    FakeEdge second = edge((conn, f) -> {});
    Device device = device(Duration.ofSeconds(30), mute, second);
    assertEquals(1, mute.frames("hello").size());
    assertEquals(1, second.frames("hello").size());
    assertTrue(device.lastDrop().startsWith("no welcome within"), device.lastDrop());
  }

  @Test
  void aHelloWhoseStepsEachComeWithinTheHelloTimeoutIsWaitedFor() throws Exception {
    // A failover: welcome, then synced, each most of helloTimeout late (the server's patience).
    long step = FAST.helloTimeout().toMillis() * 7 / 10;
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    open.add(later::shutdownNow);
    FakeEdge slow =
        new FakeEdge(
            (conn, f) -> {
              switch (f.path("type").asText()) {
                case "hello" -> {
                  later.schedule(() -> quietly(() -> conn.welcomeOnly("ta")), step, MILLISECONDS);
                  later.schedule(() -> quietly(conn::synced), 2 * step, MILLISECONDS);
                }
                case "ping" -> conn.send("{\"type\":\"pong\"}");
                default -> {}
              }
            });
    open.add(slow);
    FakeEdge second = edge((conn, f) -> {});
    Device device = device(Duration.ofSeconds(30), slow, second);
    assertTrue(device.isReady());
    assertEquals(1, slow.frames("hello").size());
    assertEquals(0, second.frames("hello").size(), device.lastDrop());
  }

  private interface Step {
    void run() throws IOException;
  }

  private static void quietly(Step step) {
    try {
      step.run();
    } catch (IOException e) {
      // the test's device went; its assertions say what happened
    }
  }

  @Test
  void aPushThatSkipsSeqsMakesTheDevicePageTheGapAndAckAll() throws Exception {
    AtomicBoolean pushed = new AtomicBoolean();
    FakeEdge edge =
        edge(
            (conn, f) -> {
              if ("send".equals(f.path("type").asText()) && pushed.compareAndSet(false, true)) {
                conn.send(msg(1, "a"));
                conn.send(msg(3, "c"));
              } else if ("history".equals(f.path("type").asText())
                  && f.path("after").asLong() == 1
                  && f.path("limit").asLong() == 1) {
                conn.send(
                    "{\"type\":\"history\",\"rid\":\""
                        + f.path("rid").asText()
                        + "\",\"conv\":\""
                        + CONV
                        + "\",\"messages\":["
                        + msg(2, "b")
                        + "],\"has_more\":false}");
              }
            });
    Device device = device(Duration.ofMillis(300), edge);
    device.outbox.issue("x1");
    Await.until(() -> device.holdsThrough(3), h -> h, WAIT, "seqs 1-3 held");
    assertEquals(
        List.of(
            new Delivery(1, "a", 1, Source.PUSH),
            new Delivery(3, "c", 1, Source.PUSH),
            new Delivery(2, "b", 1, Source.PAGE)),
        device.log().received());
    Await.until(
        () -> edge.frames("ack").stream().mapToLong(a -> a.path("seq").asLong()).max().orElse(0),
        seq -> seq == 3,
        WAIT,
        "an ack of seq 3");
  }

  @Test
  void aSendRefusedUntilRetryForPassesIsGivenUp() throws Exception {
    FakeEdge edge =
        edge(
            (conn, f) -> {
              if ("send".equals(f.path("type").asText()))
                answer(conn, f, "{\"type\":\"error\",\"rid\":\"RID\",\"code\":\"unavailable\"}");
            });
    Device device = device(Duration.ofMillis(700), edge);
    device.outbox.issue("x1");
    Send send = settledSend(device);
    assertTrue(send.ack().isEmpty());
    assertTrue(send.attempts().size() >= 2, send.attempts().toString());
    assertTrue(send.attempts().stream().allMatch(a -> a.outcome() == Outcome.UNAVAILABLE));
  }

  @Test
  void aDeviceWithManySendsPendingStaysWithinTheEdgesSendBudget() throws Exception {
    FakeEdge edge = edge((conn, f) -> {}); // sends are never answered: each is hedged
    Device device = device(HEDGING, Duration.ofSeconds(30), edge);
    int sends = SendBudget.EDGE_BURST + 10;
    for (int i = 0; i < sends; i++) device.outbox.issue("x" + i);
    Await.until(
        () -> edge.frames("send").stream().map(f -> f.path("cid").asText()).distinct().count(),
        n -> n == sends,
        WAIT,
        "every send written");
    Await.until(() -> edge.frames("send").size(), n -> n >= sends + 10, WAIT, "their hedges");
    // The edge's own bucket over the arrivals: it would have refused none of them.
    RateLimiter edgeBudget = new RateLimiter(SendBudget.EDGE_RATE, SendBudget.EDGE_BURST);
    long fullAt = RateLimiter.FULL;
    List<JsonNode> written = edge.frames("send");
    long first = written.get(0).path("_at").asLong();
    List<Long> overAtMs = new ArrayList<>();
    for (JsonNode f : written) {
      long at = f.path("_at").asLong();
      if (edgeBudget.wait(fullAt, at) > 0) overAtMs.add((at - first) / 1_000_000);
      else fullAt = edgeBudget.take(fullAt, at);
    }
    assertEquals(List.of(), overAtMs, "sends the edge would answer rate_limited (ms)");
  }

  /**
   * An edge that holds each send frame and answers them all {@code sent} with the cid's seq once
   * the cid's {@code answerOn}-th frame arrives; a cid it has no entry for is never answered.
   */
  private FakeEdge answeringOnFrame(Map<String, Integer> answerOn, Map<String, Long> seqs)
      throws IOException {
    Map<String, List<JsonNode>> held = new ConcurrentHashMap<>();
    return edge(
        (conn, f) -> {
          if (!"send".equals(f.path("type").asText())) return;
          String cid = f.path("cid").asText();
          List<JsonNode> frames = held.computeIfAbsent(cid, c -> new CopyOnWriteArrayList<>());
          frames.add(f);
          if (frames.size() != answerOn.getOrDefault(cid, 0)) return;
          String sent = "{\"type\":\"sent\",\"rid\":\"RID\",\"seq\":" + seqs.get(cid) + "}";
          for (int i = frames.size() - 1; i >= 0; i--) answer(conn, frames.get(i), sent);
        });
  }

  private static Send send(Device device, String cid) {
    return device.outbox.sends().stream().filter(s -> s.cid().equals(cid)).findFirst().get();
  }

  private static List<JsonNode> sendsOf(FakeEdge edge, String cid) {
    return edge.frames("send").stream().filter(f -> cid.equals(f.path("cid").asText())).toList();
  }

  @Test
  void anUnansweredSendIsResentWithItsCidEveryHedgeEveryAndTheFirstSentSettlesIt()
      throws Exception {
    // x1 is answered once its third attempt arrives (the latest first, then the two held ones);
    // x2, issued after, once its second: by then x1's timer would have hedged again, had it.
    FakeEdge edge = answeringOnFrame(Map.of("x1", 3, "x2", 2), Map.of("x1", 5L, "x2", 6L));
    Device device = device(HEDGING, Duration.ofSeconds(30), edge);
    device.outbox.issue("x1");
    Send x1 = settledSend(device);
    device.outbox.issue("x2");
    Await.until(() -> send(device, "x2").ack().isPresent(), a -> a, WAIT, "x2 acked");

    List<JsonNode> frames = sendsOf(edge, "x1");
    assertEquals(3, frames.size(), frames.toString());
    assertEquals(3, frames.stream().map(f -> f.path("rid").asText()).distinct().count());
    long hedgeEvery = HEDGING.hedgeEvery().toNanos();
    for (int i = 1; i < frames.size(); i++) {
      long gap = frames.get(i).path("_at").asLong() - frames.get(i - 1).path("_at").asLong();
      assertTrue(gap >= hedgeEvery * 9 / 10, "attempt " + i + " after " + gap / 1_000_000 + " ms");
    }
    // Every answer is recorded; the first sent, the third attempt's, is the ack.
    List<Attempt> a = x1.attempts();
    assertEquals(
        List.of(Outcome.SENT, Outcome.SENT, Outcome.SENT),
        a.stream().map(Attempt::outcome).toList());
    assertTrue(a.stream().noneMatch(Attempt::late), a.toString());
    assertEquals(a.get(2), x1.ack().get());
    assertEquals(5, x1.ackedSeq());
  }

  @Test
  void aSendHasAtMostMaxInFlightAttemptsUnanswered() throws Exception {
    // x1 is never answered; x2, issued once x1 has its maximum out, is answered on its third
    // attempt: two hedge periods in which x1 could have gone again.
    FakeEdge edge = answeringOnFrame(Map.of("x2", 3), Map.of("x2", 1L));
    Device device = device(HEDGING, Duration.ofSeconds(30), edge);
    device.outbox.issue("x1");
    Await.until(
        () -> sendsOf(edge, "x1").size(), n -> n >= Outbox.MAX_IN_FLIGHT, WAIT, "x1's attempts");
    device.outbox.issue("x2");
    Await.until(() -> send(device, "x2").ack().isPresent(), a -> a, WAIT, "x2 acked");
    assertEquals(Outbox.MAX_IN_FLIGHT, sendsOf(edge, "x1").size());
    assertTrue(
        send(device, "x1").attempts().stream().allMatch(t -> t.outcome() == Outcome.UNANSWERED));
  }

  @Test
  void aSendAnsweredRateLimitedIsRetriedAfterABackoff() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    FakeEdge edge =
        edge(
            (conn, f) -> {
              if (!"send".equals(f.path("type").asText())) return;
              if (tries.incrementAndGet() == 1)
                answer(conn, f, "{\"type\":\"error\",\"rid\":\"RID\",\"code\":\"rate_limited\"}");
              else answer(conn, f, "{\"type\":\"sent\",\"rid\":\"RID\",\"seq\":1}");
            });
    Device device = device(Duration.ofSeconds(30), edge);
    device.outbox.issue("x1");
    Send send = settledSend(device);
    assertEquals(
        List.of(Outcome.REFUSED, Outcome.SENT),
        send.attempts().stream().map(Attempt::outcome).toList());
    List<Attempt> a = send.attempts();
    assertTrue(Duration.between(a.get(0).answeredAt(), a.get(1).at()).toMillis() >= 200);
  }

  private static String msg(long seq, String cid) {
    return "{\"type\":\"msg\",\"conv\":\""
        + CONV
        + "\",\"seq\":"
        + seq
        + ",\"from\":\"tb\",\"cid\":\""
        + cid
        + "\",\"kind\":\"text\",\"body\":\"x\",\"ts\":1}";
  }

  private static int port(String edge) {
    return Integer.parseInt(edge.substring(edge.lastIndexOf(':') + 1));
  }
}
