package io.parley.http;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.Counter;
import io.parley.metrics.Metrics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Which user ids exist, as far as a login needs to know before it asks a user entity: a login for
 * an id known to be unknown must not start an entity (a Cassandra recovery) for nothing. Filled by
 * {@code lookup} (one cheap read: does the journal hold an event of that user) and by the
 * registrations this node answers. Bounded in count (least recently used go first); an id is
 * remembered as unknown for {@code missTtl} only, so a registration on another node is seen.
 * Lookups of one id in flight are shared; a failed lookup is not remembered.
 */
public final class KnownUsers {
  static final Counter LOOKUPS =
      Counter.builder("parley.known.users.lookups")
          .description(
              "journal reads to learn whether a user id exists (log-ins for ids not cached)")
          .register(Metrics.REGISTRY);

  public record Settings(int maxEntries, Duration missTtl) {
    public static Settings from(Config config) {
      Config c = config.getConfig("parley.rest.known-users");
      return new Settings(c.getInt("max-entries"), c.getDuration("miss-ttl"));
    }
  }

  /**
   * {@code known}: the answer, or the lookup in flight; {@code expiresAt}: nanos, unless {@code
   * forever}.
   */
  private record Cached(CompletionStage<Boolean> known, long expiresAt, boolean forever) {
    boolean freshAt(long now) {
      return forever || expiresAt - now > 0;
    }
  }

  // Every id known to exist shares one entry value: the cache holds one per registered user.
  private static final Cached EXISTS = new Cached(CompletableFuture.completedFuture(true), 0, true);

  private final Function<String, CompletionStage<Boolean>> lookup;
  private final LongSupplier nanoClock;
  private final long missTtlNanos;
  private final Map<String, Cached> cache;

  public KnownUsers(
      Settings settings,
      Function<String, CompletionStage<Boolean>> lookup,
      LongSupplier nanoClock) {
    this.lookup = lookup;
    this.nanoClock = nanoClock;
    this.missTtlNanos = settings.missTtl().toNanos();
    int max = settings.maxEntries();
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > max;
          }
        };
  }

  /** Whether the user id exists; fails when it cannot be told (Cassandra did not answer). */
  public CompletionStage<Boolean> exists(String user) {
    long now = nanoClock.getAsLong();
    CompletableFuture<Boolean> asked = new CompletableFuture<>();
    synchronized (cache) {
      Cached cached = cache.get(user);
      if (cached != null && cached.freshAt(now)) return cached.known();
      cache.put(user, new Cached(asked, now + missTtlNanos, false));
    }
    LOOKUPS.increment();
    lookup
        .apply(user)
        .whenComplete(
            (known, failure) -> {
              synchronized (cache) {
                Cached cached = cache.get(user);
                // Unless a registration (or a later lookup) has replaced it meanwhile.
                if (cached != null && cached.known() == asked) {
                  if (failure != null) cache.remove(user);
                  else if (known) cache.put(user, EXISTS);
                }
              }
              if (failure != null) asked.completeExceptionally(failure);
              else asked.complete(known);
            });
    return asked;
  }

  /** This node registered the user id, or found it taken. */
  public void registered(String user) {
    synchronized (cache) {
      cache.put(user, EXISTS);
    }
  }
}
