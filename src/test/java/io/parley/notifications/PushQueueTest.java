package io.parley.notifications;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The node's push queue against providers the test answers by hand, on a clock, executor and
 * scheduler the test moves ({@link ManualTime}): nothing here waits on real time.
 */
class PushQueueTest {
  private static final PushQueueSettings.Retry RETRY =
      new PushQueueSettings.Retry(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2, 5);

  private final ManualTime time = new ManualTime();
  private final FakeProvider apns = new FakeProvider(Provider.APNS);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> removed = new ArrayList<>();
  private double random = 0;

  private PushQueue queue(PushQueueSettings settings) {
    return new PushQueue(
        Map.of(Provider.APNS, apns),
        (user, device, token) -> removed.add(user + "/" + device + "/" + token),
        time,
        time,
        settings,
        new PushMetrics(registry),
        time::nanoTime,
        () -> random);
  }

  private PushQueue queue() {
    return queue(new PushQueueSettings(10_000, 64, RETRY));
  }

  static Notification push(Provider provider, String user, long seq) {
    return new Notification(
        user, "phone", provider, "tok-" + user, "d:a:b", seq, "text", "b", "Bea", null, 1, 3, 0);
  }

  private static Notification push(long seq) {
    return push(Provider.APNS, "ann", seq);
  }

  @Test
  void aPushIsSentOnceAndTimedFromItsOffer() {
    PushQueue q = queue();
    assertTrue(q.offer(push(1)));
    // offer only enqueued: the provider is called on the executor, not on the caller's thread.
    assertEquals(0, apns.sends());
    assertEquals(1, held());
    time.runDue();
    assertEquals(1, apns.sends());
    assertEquals(push(1), apns.last().notification());
    time.advance(Duration.ofMillis(250));
    apns.answer(new Outcome.Sent());
    time.advance(Duration.ofHours(1));
    assertEquals(1, apns.sends());
    assertEquals(1, count("parley.push.sent", "apns"));
    assertEquals(0, count("parley.push.retries", "apns"));
    assertEquals(0, held());
    var latency = registry.get("parley.push.latency").tag("provider", "apns").timer();
    assertEquals(1, latency.count());
    assertEquals(250, latency.totalTime(TimeUnit.MILLISECONDS), 0.001);
  }

  @Test
  void aRetryWaitsAtLeastTheProvidersRetryAfter() {
    random = 0.99; // the longest jittered backoff, 1.2 s: Retry-After still decides
    PushQueue q = queue();
    q.offer(push(1));
    time.runDue();
    apns.answer(new Outcome.Retry(Duration.ofSeconds(7), "503"));
    time.advance(Duration.ofMillis(6_999));
    assertEquals(1, apns.sends(), "resent before the provider's Retry-After");
    time.advance(Duration.ofMillis(1));
    assertEquals(2, apns.sends());
    assertEquals(push(1), apns.last().notification());
    assertEquals(1, count("parley.push.retries", "apns"));
    assertEquals(1, held(), "a push waiting to retry, then in flight, is held");
  }

  @Test
  void aRetryAfterBeyondTheMaximumIsCutToIt() {
    PushQueue q = queue();
    q.offer(push(1));
    time.runDue();
    apns.answer(new Outcome.Retry(Duration.ofHours(1), "429"));
    assertEquals(Duration.ofSeconds(60), time.untilNext());
    time.advance(Duration.ofSeconds(60));
    assertEquals(2, apns.sends());
  }

  @Test
  void backoffDoublesFromMinAndIsCappedAtMax() {
    PushQueueSettings.Retry retry =
        new PushQueueSettings.Retry(Duration.ofSeconds(1), Duration.ofSeconds(10), 0.2, 8);
    PushQueue q = queue(new PushQueueSettings(100, 4, retry));
    q.offer(push(1));
    time.runDue();
    List<Duration> waits = new ArrayList<>();
    for (int attempt = 1; attempt < 8; attempt++) {
      apns.answer(new Outcome.Retry(null, "503"));
      waits.add(time.untilNext());
      time.advance(time.untilNext());
      assertEquals(attempt + 1, apns.sends());
    }
    assertEquals(
        List.of(1L, 2L, 4L, 8L, 10L, 10L, 10L), waits.stream().map(Duration::toSeconds).toList());
  }

  @Test
  void afterMaxAttemptsAPushIsDroppedAndCounted() {
    PushQueue q = queue();
    q.offer(push(1));
    time.runDue();
    for (int attempt = 1; attempt <= 5; attempt++) {
      assertEquals(attempt, apns.sends());
      apns.answer(new Outcome.Retry(null, "503"));
      time.advance(Duration.ofMinutes(2));
    }
    assertEquals(5, apns.sends(), "max-attempts sends in all, the first included");
    assertNull(time.untilNext(), "nothing left to retry");
    assertEquals(1, dropped("attempts"));
    assertEquals(4, count("parley.push.retries", "apns"));
    assertEquals(0, count("parley.push.sent", "apns"));
    assertEquals(0, held());
  }

  @Test
  void aDeadTokenIsRemovedOnceAndNotRetried() {
    PushQueue q = queue();
    q.offer(push(Provider.APNS, "cat", 4));
    time.runDue();
    apns.answer(new Outcome.DeadToken("410 Unregistered"));
    time.advance(Duration.ofMinutes(10));
    assertEquals(List.of("cat/phone/tok-cat"), removed);
    assertEquals(1, apns.sends());
    assertEquals(1, count("parley.push.dead.tokens", "apns"));
    assertEquals(0, count("parley.push.failed", "apns"));
    assertEquals(0, held());
  }

  @Test
  void aFailedPushIsCountedAndNotRetried() {
    PushQueue q = queue();
    q.offer(push(1));
    time.runDue();
    apns.answer(new Outcome.Failed("403 InvalidProviderToken"));
    time.advance(Duration.ofMinutes(10));
    assertEquals(1, apns.sends());
    assertEquals(1, count("parley.push.failed", "apns"));
    assertEquals(0, count("parley.push.retries", "apns"));
    assertTrue(removed.isEmpty());
    assertEquals(0, held());
  }

  @Test
  void aProviderThatFailsExceptionallyOrThrowsIsRetried() {
    PushProvider throwing =
        new PushProvider() {
          int sends;

          @Override
          public Provider kind() {
            return Provider.FCM;
          }

          @Override
          public CompletionStage<Outcome> send(Notification n) {
            if (++sends == 1) return CompletableFuture.failedFuture(new IllegalStateException());
            if (sends == 2) throw new IllegalStateException("a bug in the provider");
            return CompletableFuture.completedFuture(new Outcome.Sent());
          }
        };
    PushQueue q =
        new PushQueue(
            Map.of(Provider.FCM, throwing),
            (u, d, t) -> {},
            time,
            time,
            new PushQueueSettings(10, 1, RETRY),
            new PushMetrics(registry),
            time::nanoTime,
            () -> 0);
    assertTrue(q.offer(push(Provider.FCM, "dan", 1)));
    time.runDue();
    time.advance(Duration.ofSeconds(1)); // first retry, after min
    time.advance(Duration.ofSeconds(2)); // second retry, doubled
    assertEquals(2, count("parley.push.retries", "fcm"));
    assertEquals(1, count("parley.push.sent", "fcm"));
    assertEquals(0, held());
  }

  @Test
  void aFullQueueRefusesAtOnceWhileItsProviderHangs() {
    PushQueue q = queue(new PushQueueSettings(3, 1, RETRY));
    // The provider answers nothing until the test says: each offer below returns at once all the
    // same, since offer only enqueues.
    for (int seq = 1; seq <= 3; seq++) assertTrue(q.offer(push(seq)));
    time.runDue();
    assertEquals(1, apns.sends(), "one in flight (concurrency 1), two waiting");
    assertFalse(q.offer(push(4)));
    assertFalse(q.offer(push(5)));
    assertEquals(2, dropped("queue_full"));
    assertEquals(3, held());
    // A push that ends makes room for one more.
    apns.answer(new Outcome.Sent());
    assertTrue(q.offer(push(6)));
    assertFalse(q.offer(push(7)));
    assertEquals(3, dropped("queue_full"));
    // A push waiting to retry still counts against the bound.
    time.runDue();
    apns.answer(new Outcome.Retry(null, "503"));
    assertFalse(q.offer(push(8)));
    assertEquals(4, dropped("queue_full"));
  }

  @Test
  void withoutItsProviderAPushIsDroppedAsNoProvider() {
    PushQueue q = queue();
    assertFalse(q.offer(push(Provider.WEBHOOK, "eve", 1)));
    assertEquals(
        1,
        registry
            .get("parley.push.dropped")
            .tags("provider", "webhook", "reason", "no_provider")
            .counter()
            .count());
    assertEquals(0, held());
    assertEquals(0, time.pending(), "nothing to send");
  }

  @Test
  void sendsInFlightNeverExceedConcurrencyAndStartInArrivalOrder() {
    PushQueue q = queue(new PushQueueSettings(100, 3, RETRY));
    for (int seq = 1; seq <= 10; seq++) assertTrue(q.offer(push(seq)));
    time.runDue();
    assertEquals(3, apns.sends());
    int answered = 0;
    while (answered < apns.sends()) {
      // Answer the oldest open send; the next waiting one starts in its place.
      apns.calls().get(answered++).answer().complete(new Outcome.Sent());
      time.runDue();
    }
    assertEquals(10, apns.sends());
    assertEquals(3, apns.mostOpen());
    assertEquals(
        List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L),
        apns.calls().stream().map(c -> c.notification().seq()).toList());
    assertEquals(10, count("parley.push.sent", "apns"));
    assertEquals(0, held());
  }

  @Test
  void offersFromManyThreadsWhileAnswersArriveOnOthersKeepEveryBound() throws Exception {
    int threads = 4;
    int offersEach = 2_000;
    int concurrency = 8;
    ExecutorService offerers = Executors.newFixedThreadPool(threads);
    ExecutorService answerers = Executors.newFixedThreadPool(2);
    ExecutorService starts = Executors.newFixedThreadPool(2);
    AtomicInteger open = new AtomicInteger();
    AtomicInteger mostOpen = new AtomicInteger();
    PushProvider fcm =
        new PushProvider() {
          @Override
          public Provider kind() {
            return Provider.FCM;
          }

          @Override
          public CompletionStage<Outcome> send(Notification n) {
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            return CompletableFuture.supplyAsync(
                () -> {
                  open.decrementAndGet();
                  return new Outcome.Sent();
                },
                answerers);
          }
        };
    PushQueue q =
        new PushQueue(
            Map.of(Provider.FCM, fcm),
            (u, d, t) -> {},
            (delay, task) -> {
              throw new AssertionError("nothing is retried here");
            },
            starts,
            new PushQueueSettings(200, concurrency, RETRY),
            new PushMetrics(registry),
            System::nanoTime,
            () -> 0);
    try {
      List<Future<Integer>> accepted = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String user = "u" + t;
        accepted.add(
            offerers.submit(
                () -> {
                  int n = 0;
                  for (int seq = 1; seq <= offersEach; seq++) {
                    if (q.offer(push(Provider.FCM, user, seq))) n++;
                  }
                  return n;
                }));
      }
      int total = 0;
      for (Future<Integer> f : accepted) total += f.get(30, TimeUnit.SECONDS);
      int sent = total;
      Await.until(
          () -> count("parley.push.sent", "fcm"),
          c -> c == sent,
          Duration.ofSeconds(30),
          "every accepted push sent");
      assertEquals(0, held());
      assertEquals(
          threads * offersEach - total,
          registry
              .get("parley.push.dropped")
              .tags("provider", "fcm", "reason", "queue_full")
              .counter()
              .count());
      assertTrue(mostOpen.get() <= concurrency, "most sends in flight: " + mostOpen);
    } finally {
      offerers.shutdownNow();
      answerers.shutdownNow();
      starts.shutdownNow();
    }
  }

  @Test
  void everySeriesExistsAtZeroForEveryProviderFromTheStart() {
    queue();
    for (Provider p : Provider.values()) {
      for (String name :
          List.of(
              "parley.push.sent",
              "parley.push.failed",
              "parley.push.dead.tokens",
              "parley.push.retries")) {
        assertEquals(0, count(name, p.wire()), name + " " + p);
      }
      for (String reason : List.of("queue_full", "no_provider", "attempts")) {
        registry.get("parley.push.dropped").tags("provider", p.wire(), "reason", reason).counter();
      }
      registry.get("parley.push.latency").tag("provider", p.wire()).timer();
    }
    assertEquals(0, held());
  }

  private double count(String name, String provider) {
    return registry.get(name).tag("provider", provider).counter().count();
  }

  private double dropped(String reason) {
    return registry
        .get("parley.push.dropped")
        .tags("provider", "apns", "reason", reason)
        .counter()
        .count();
  }

  private double held() {
    return registry.get("parley.push.held").gauge().value();
  }
}
