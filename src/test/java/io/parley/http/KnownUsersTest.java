package io.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The cache in front of the journal read that tells a login whether a user id exists. */
class KnownUsersTest {
  private static final Duration TTL = Duration.ofSeconds(10);
  private final AtomicLong clock = new AtomicLong(42);
  private final List<String> lookups = new ArrayList<>();
  private final List<CompletableFuture<Boolean>> pending = new ArrayList<>();

  private KnownUsers cache(int max, Set<String> existing) {
    return new KnownUsers(
        new KnownUsers.Settings(max, TTL),
        user -> {
          lookups.add(user);
          return CompletableFuture.completedFuture(existing.contains(user));
        },
        clock::get);
  }

  private static boolean exists(KnownUsers users, String user) throws Exception {
    return users.exists(user).toCompletableFuture().get();
  }

  @Test
  void anUnknownIdIsLookedUpOnceUntilItsMissExpires() throws Exception {
    KnownUsers users = cache(100, Set.of());
    assertFalse(exists(users, "ghost"));
    assertFalse(exists(users, "ghost"));
    assertEquals(List.of("ghost"), lookups);
    clock.addAndGet(TTL.toNanos() + 1);
    assertFalse(exists(users, "ghost"));
    assertEquals(List.of("ghost", "ghost"), lookups, "looked up again after miss-ttl");
  }

  @Test
  void aKnownIdIsRememberedForGood() throws Exception {
    KnownUsers users = cache(100, Set.of("amy"));
    assertTrue(exists(users, "amy"));
    clock.addAndGet(Duration.ofDays(30).toNanos());
    assertTrue(exists(users, "amy"));
    assertEquals(List.of("amy"), lookups);
  }

  @Test
  void aRegistrationHereIsSeenAtOnceOverACachedMiss() throws Exception {
    KnownUsers users = cache(100, Set.of());
    assertFalse(exists(users, "late"));
    users.registered("late");
    assertTrue(exists(users, "late"));
    assertEquals(List.of("late"), lookups);
  }

  @Test
  void oneLookupServesConcurrentLoginsAndARegistrationMeanwhileWins() throws Exception {
    KnownUsers users =
        new KnownUsers(
            new KnownUsers.Settings(100, TTL),
            user -> {
              lookups.add(user);
              CompletableFuture<Boolean> answer = new CompletableFuture<>();
              pending.add(answer);
              return answer;
            },
            clock::get);
    CompletionStage<Boolean> first = users.exists("amy");
    CompletionStage<Boolean> second = users.exists("amy");
    assertEquals(1, lookups.size());
    users.registered("amy");
    pending.get(0).complete(false); // read before the registration was stored
    assertFalse(first.toCompletableFuture().get());
    assertFalse(second.toCompletableFuture().get());
    assertTrue(exists(users, "amy"), "the registration is not overwritten by the older read");
    assertEquals(1, lookups.size());
  }

  @Test
  void aFailedLookupIsNotRemembered() throws Exception {
    List<Boolean> fail = new ArrayList<>(List.of(true));
    KnownUsers users =
        new KnownUsers(
            new KnownUsers.Settings(100, TTL),
            user -> {
              lookups.add(user);
              return fail.remove(0)
                  ? CompletableFuture.failedFuture(new RuntimeException("Cassandra timed out"))
                  : CompletableFuture.completedFuture(true);
            },
            clock::get);
    assertThrows(ExecutionException.class, () -> exists(users, "amy"));
    fail.add(false);
    assertTrue(exists(users, "amy"));
    assertEquals(2, lookups.size());
  }

  @Test
  void theCacheHoldsAtMostMaxEntries() throws Exception {
    KnownUsers users = cache(3, Set.of("a1", "a2", "a3", "a4"));
    for (String id : List.of("a1", "a2", "a3", "a4")) assertTrue(exists(users, id));
    assertTrue(exists(users, "a4"));
    assertEquals(4, lookups.size(), "a4 still cached");
    assertTrue(exists(users, "a1"));
    assertEquals(5, lookups.size(), "a1, the least recently used, was dropped");
  }
}
