package io.parley.notifications;

import io.parley.metrics.Metrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * The node's push queue: the user entities {@link #offer} it pushes, and it sends them through the
 * providers, retrying, removing dead tokens, counting.
 *
 * <p>Invariants: at most {@code queueSize} pushes held (waiting, in flight, or waiting to retry);
 * at most {@code concurrency} sends in flight, the others waiting in arrival order (a retry queues
 * again at the back); a push is sent at most {@code maxAttempts} times and ends as exactly one of
 * sent, failed, dead token or dropped, each counted ({@link PushMetrics}). {@link #offer} only
 * enqueues, under a lock held for a few field updates: the providers are called on the executor,
 * their answers handled on whatever thread completes them, so a slow provider never slows the user
 * entity (and the message delivery) that offered the push. Nothing is kept across a restart: the
 * user entity records a push before it offers it, so a lost push is never sent twice.
 */
public final class PushQueue implements NotificationSink {
  private static final Logger log = LoggerFactory.getLogger(PushQueue.class);
  // A provider refusing every push (bad credentials) would otherwise log a line per push.
  private static final Duration FAILURE_LOG_EVERY = Duration.ofMinutes(1);

  /** Runs a task after a delay, on another thread than the caller's. */
  interface Delays {
    void after(Duration delay, Runnable task);
  }

  /** One push: its provider, when it was offered, and which send this is (1 for the first). */
  private record Push(Notification notification, PushProvider provider, long offered, int attempt) {
    Push again() {
      return new Push(notification, provider, offered, attempt + 1);
    }

    Provider kind() {
      return notification.provider();
    }
  }

  private final Map<Provider, PushProvider> providers;
  private final DeadTokens deadTokens;
  private final Delays delays;
  private final Executor executor;
  private final PushQueueSettings settings;
  private final PushMetrics metrics;
  private final LongSupplier nanoTime;
  private final DoubleSupplier random;
  private final Map<Provider, Long> lastFailureLog = new EnumMap<>(Provider.class);

  // Guarded by this.
  private final ArrayDeque<Push> waiting = new ArrayDeque<>();
  private int held;
  private int inFlight;
  private boolean draining;

  /**
   * A queue whose retries wait on Pekko's {@code scheduler} and whose sends start on {@code
   * executor} (the actor system's dispatcher: sends never block), counted in {@link
   * Metrics#REGISTRY}.
   */
  public PushQueue(
      Map<Provider, PushProvider> providers,
      DeadTokens deadTokens,
      Scheduler scheduler,
      ExecutionContextExecutor executor,
      PushQueueSettings settings) {
    this(
        providers,
        deadTokens,
        (delay, task) -> scheduler.scheduleOnce(delay, task, executor),
        executor,
        settings,
        new PushMetrics(Metrics.REGISTRY),
        System::nanoTime,
        () -> ThreadLocalRandom.current().nextDouble());
  }

  PushQueue(
      Map<Provider, PushProvider> providers,
      DeadTokens deadTokens,
      Delays delays,
      Executor executor,
      PushQueueSettings settings,
      PushMetrics metrics,
      LongSupplier nanoTime,
      DoubleSupplier random) {
    this.providers = providers.isEmpty() ? Map.of() : new EnumMap<>(providers);
    this.deadTokens = deadTokens;
    this.delays = delays;
    this.executor = executor;
    this.settings = settings;
    this.metrics = metrics;
    this.nanoTime = nanoTime;
    this.random = random;
  }

  @Override
  public boolean offer(Notification notification) {
    PushProvider provider = providers.get(notification.provider());
    if (provider == null) {
      metrics.dropped(notification.provider(), PushMetrics.Drop.NO_PROVIDER);
      return false;
    }
    Push push = new Push(notification, provider, nanoTime.getAsLong(), 1);
    boolean accepted;
    boolean start = false;
    synchronized (this) {
      accepted = held < settings.queueSize();
      if (accepted) {
        held++;
        waiting.add(push);
        start = startDraining();
      }
    }
    if (!accepted) {
      metrics.dropped(notification.provider(), PushMetrics.Drop.QUEUE_FULL);
      return false;
    }
    metrics.held(1);
    if (start) drainLater();
    return true;
  }

  private void drainLater() {
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      // The actor system is terminating: what the queue holds is lost with it, as on a crash.
      log.debug("Push queue stopped with the actor system");
    }
  }

  /**
   * Whether the caller must start a drain: pushes wait, a send may start, none is starting them.
   */
  private boolean startDraining() {
    if (draining || waiting.isEmpty() || inFlight >= settings.concurrency()) return false;
    draining = true;
    return true;
  }

  /** Starts sends while pushes wait and the in-flight limit allows; on the executor. */
  private void drain() {
    while (true) {
      Push next;
      synchronized (this) {
        if (waiting.isEmpty() || inFlight >= settings.concurrency()) {
          draining = false;
          return;
        }
        next = waiting.poll();
        inFlight++;
      }
      send(next);
    }
  }

  private void send(Push push) {
    CompletionStage<Outcome> stage;
    try {
      stage = push.provider().send(push.notification());
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    if (stage == null) stage = CompletableFuture.failedFuture(new NullPointerException("stage"));
    // A stage that completes exceptionally breaks PushProvider's contract; retried all the same.
    stage.whenComplete(
        (outcome, error) ->
            answered(
                push,
                error == null && outcome != null
                    ? outcome
                    : new Outcome.Retry(null, "provider error: " + error)));
  }

  private void answered(Push push, Outcome outcome) {
    Provider kind = push.kind();
    if (outcome instanceof Outcome.Retry retry) {
      retry(push, retry);
      return;
    }
    if (outcome instanceof Outcome.Sent) {
      metrics.sent(kind, nanoTime.getAsLong() - push.offered());
    } else if (outcome instanceof Outcome.DeadToken dead) {
      metrics.deadToken(kind);
      Notification n = push.notification();
      log.debug(
          "{} says the token of {}'s device {} is dead: {}", kind, n.user(), n.device(), dead);
      try {
        deadTokens.remove(n.user(), n.device(), n.token());
      } catch (RuntimeException e) {
        log.warn("Could not remove the dead token of {}'s device {}", n.user(), n.device(), e);
      }
    } else if (outcome instanceof Outcome.Failed failed) {
      metrics.failed(kind);
      logFailure(kind, failed.reason());
    }
    finished(true);
  }

  private void retry(Push push, Outcome.Retry retry) {
    Provider kind = push.kind();
    if (push.attempt() >= settings.retry().maxAttempts()) {
      metrics.dropped(kind, PushMetrics.Drop.ATTEMPTS);
      log.debug("{} push dropped after {} attempts: {}", kind, push.attempt(), retry.reason());
      finished(true);
      return;
    }
    metrics.retry(kind);
    Duration delay = settings.retry().delay(push.attempt(), retry.after(), random.getAsDouble());
    finished(false);
    delays.after(delay, () -> queueAgain(push.again()));
  }

  private void queueAgain(Push push) {
    boolean start;
    synchronized (this) {
      waiting.add(push);
      start = startDraining();
    }
    if (start) drainLater();
  }

  /** A send is over; {@code done}: so is its push (not to be retried). */
  private void finished(boolean done) {
    boolean start;
    synchronized (this) {
      inFlight--;
      if (done) held--;
      start = startDraining();
    }
    if (done) metrics.held(-1);
    if (start) drainLater();
  }

  private void logFailure(Provider kind, String reason) {
    long now = nanoTime.getAsLong();
    synchronized (lastFailureLog) {
      Long last = lastFailureLog.get(kind);
      if (last != null && now - last < FAILURE_LOG_EVERY.toNanos()) return;
      lastFailureLog.put(kind, now);
    }
    log.warn(
        "{} refused a push for good: {} (parley_push_failed_total counts them; this line is"
            + " logged at most every {})",
        kind,
        reason,
        FAILURE_LOG_EVERY);
  }
}
