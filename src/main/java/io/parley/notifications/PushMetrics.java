package io.parley.notifications;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The push queue's meters, exported as {@code parley_push_*}: what became of each push, per
 * provider (tag {@code provider}: apns, fcm, webhook), the drops by {@code reason}, the latency
 * from offer to the provider's acceptance, and the pushes held. Every series exists from the
 * queue's start, at 0, so dashboards and alerts see the providers a node has not pushed to yet.
 */
final class PushMetrics {
  /** Why a push was given up without a provider's final answer. */
  enum Drop {
    /** The queue held parley.push.queue-size pushes. */
    QUEUE_FULL("queue_full"),
    /** No provider of that kind is configured on this node (pushes off for it). */
    NO_PROVIDER("no_provider"),
    /** parley.push.retry.max-attempts sends, each answered Retry. */
    ATTEMPTS("attempts");

    final String tag;

    Drop(String tag) {
      this.tag = tag;
    }
  }

  // A push waits up to max-attempts backoffs of up to parley.push.retry.max (5 x 60 s by default)
  // before its provider accepts it: the histogram reaches that far.
  private static final Duration LATENCY_MIN = Duration.ofMillis(1);
  private static final Duration LATENCY_MAX = Duration.ofMinutes(5);

  // Several queues may share a registry (nodes in one test JVM): one gauge each registry, summing
  // them. Held here strongly, since a registry holds a gauge's object only weakly.
  private static final Map<MeterRegistry, AtomicLong> HELD = new ConcurrentHashMap<>();

  private final Map<Provider, Counter> sent = new EnumMap<>(Provider.class);
  private final Map<Provider, Counter> failed = new EnumMap<>(Provider.class);
  private final Map<Provider, Counter> deadTokens = new EnumMap<>(Provider.class);
  private final Map<Provider, Counter> retries = new EnumMap<>(Provider.class);
  private final Map<Provider, Map<Drop, Counter>> dropped = new EnumMap<>(Provider.class);
  private final Map<Provider, Timer> latency = new EnumMap<>(Provider.class);
  private final AtomicLong held;

  PushMetrics(MeterRegistry registry) {
    for (Provider p : Provider.values()) {
      sent.put(p, counter(registry, "parley.push.sent", "pushes the provider accepted", p));
      failed.put(
          p, counter(registry, "parley.push.failed", "pushes the provider refused for good", p));
      deadTokens.put(
          p,
          counter(
              registry,
              "parley.push.dead.tokens",
              "pushes whose token the provider called dead (the device's registration removed)",
              p));
      retries.put(
          p, counter(registry, "parley.push.retries", "sends answered retry and tried again", p));
      Map<Drop, Counter> drops = new EnumMap<>(Drop.class);
      for (Drop d : Drop.values()) {
        drops.put(
            d,
            Counter.builder("parley.push.dropped")
                .description("pushes given up: queue full, no provider, or out of attempts")
                .tag("provider", p.wire())
                .tag("reason", d.tag)
                .register(registry));
      }
      dropped.put(p, drops);
      latency.put(
          p,
          Timer.builder("parley.push.latency")
              .description("from a push's offer to its provider's acceptance, retries included")
              .tag("provider", p.wire())
              .publishPercentileHistogram()
              .minimumExpectedValue(LATENCY_MIN)
              .maximumExpectedValue(LATENCY_MAX)
              .register(registry));
    }
    held = HELD.computeIfAbsent(registry, r -> r.gauge("parley.push.held", new AtomicLong()));
  }

  private static Counter counter(
      MeterRegistry registry, String name, String description, Provider p) {
    return Counter.builder(name)
        .description(description)
        .tag("provider", p.wire())
        .register(registry);
  }

  void sent(Provider p, long nanosSinceOffer) {
    sent.get(p).increment();
    latency.get(p).record(nanosSinceOffer, TimeUnit.NANOSECONDS);
  }

  void failed(Provider p) {
    failed.get(p).increment();
  }

  void deadToken(Provider p) {
    deadTokens.get(p).increment();
  }

  void retry(Provider p) {
    retries.get(p).increment();
  }

  void dropped(Provider p, Drop why) {
    dropped.get(p).get(why).increment();
  }

  void held(int change) {
    held.addAndGet(change);
  }
}
