package io.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.Counter;
import io.parley.metrics.Metrics;
import io.parley.node.Node;
import io.parley.testing.HttpFrom;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The REST budgets (parley.rest) on a node with the production values. Each test sends from
 * loopback addresses of its own (127.0.x.y), so the per-address budgets of one test do not spend
 * another's.
 */
@Integration
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestLimitsTest {
  private static final String WRONG = "wrong password";
  private Node node;
  private Config rest;

  @BeforeAll
  void start() throws Exception {
    node = TestNodes.startWithRealRestLimits(Map.of());
    rest = node.system().settings().config().getConfig("parley.rest");
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  @Test
  void thirtyLoginsInASecondFromOneAddressGet429AfterTheBudget() throws Exception {
    HttpFrom attacker = from("127.0.0.11");
    double refusedBefore = counted("parley.rest.refused");
    long start = System.nanoTime();
    List<HttpFrom.Response> answers = new ArrayList<>();
    for (int i = 0; i < 30; i++) answers.add(login(attacker, Ids.user("guess"), WRONG));
    double seconds = (System.nanoTime() - start) / 1e9;

    int limited = 0;
    for (HttpFrom.Response r : answers) {
      if (r.status() == 429) {
        limited++;
        assertRateLimited(r);
      } else {
        assertEquals(401, r.status(), "an unknown user: " + r);
      }
    }
    assertTrue(limited > 0, "some of 30 logins in " + seconds + " s were refused");
    assertEquals(
        refusedBefore + limited, counted("parley.rest.refused"), "operators see the refusals");
    assertTrue(
        30 - limited <= bound("login.rate", "login.burst", seconds),
        (30 - limited) + " answered in " + seconds + " s");

    HttpFrom neighbour = from("127.0.0.12");
    String user = Ids.user("amy");
    assertEquals(201, register(neighbour, user).status());
    assertEquals(
        200, login(neighbour, user, password(user)).status(), "another address has its own budget");
  }

  @Test
  void loginsForOneUserIdAreThrottledFromEveryAddress() throws Exception {
    String user = Ids.user("amy");
    assertEquals(201, register(from("127.0.0.21"), user).status());
    long start = System.nanoTime();
    int answered = 0;
    HttpFrom.Response last = null;
    for (int i = 0; i < 15; i++) {
      last = login(from("127.0.0." + (22 + i)), user, WRONG);
      if (last.status() == 401) answered++;
      else assertRateLimited(last);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(answered < 15, "guesses at one account from 15 addresses were cut");
    assertTrue(
        answered <= bound("login.user-rate", "login.user-burst", seconds),
        answered + " guesses answered");
    assertRateLimited(login(from("127.0.0.40"), user, password(user)));
  }

  @Test
  void registrationsAreThrottledPerAddressAndPerUserId() throws Exception {
    HttpFrom one = from("127.0.0.41");
    long start = System.nanoTime();
    int created = 0;
    for (int i = 0; i < 15; i++) {
      HttpFrom.Response r = register(one, Ids.user("bot"));
      if (r.status() == 201) created++;
      else assertRateLimited(r);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(
        created < 15 && created <= bound("register.rate", "register.burst", seconds),
        created + " created");

    String taken = Ids.user("amy");
    int answered = 0;
    for (int i = 0; i < 8; i++) {
      HttpFrom.Response r = register(from("127.0.0." + (42 + i)), taken);
      if (r.status() == 201 || r.status() == 409) answered++;
      else assertRateLimited(r);
    }
    assertTrue(answered < 8, "tries at one id from 8 addresses were cut after " + answered);
  }

  @Test
  void everyRouteHasABudgetPerAddress() throws Exception {
    HttpFrom client = from("127.0.0.51");
    String[] paths = {"/api/v1/conversations", "/api/v1/users/nobody", "/metrics", "/"};
    int requests = rest.getInt("per-address.burst") * 3 / 2;
    long start = System.nanoTime();
    int answered = 0;
    for (int i = 0; i < requests; i++) {
      HttpFrom.Response r = client.get(paths[i % paths.length], null);
      if (r.status() == 429) assertRateLimited(r);
      else answered++;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(answered < requests, "cut");
    assertTrue(
        answered <= bound("per-address.rate", "per-address.burst", seconds),
        answered + " answered");
  }

  @Test
  void authenticatedCallsHaveABudgetPerUser() throws Exception {
    String user = Ids.user("amy");
    HttpFrom home = from("127.0.0.61");
    assertEquals(201, register(home, user).status());
    String token = login(home, user, password(user)).body().get("token").asText();
    int perAddress = rest.getInt("per-user.burst") / 2 + 5;
    long start = System.nanoTime();
    int answered = 0;
    for (int a = 0; a < 3; a++) {
      HttpFrom device = from("127.0.0." + (62 + a));
      for (int i = 0; i < perAddress; i++) {
        HttpFrom.Response r = device.get("/api/v1/conversations", token);
        if (r.status() == 200) answered++;
        else assertRateLimited(r);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(
        answered <= bound("per-user.rate", "per-user.burst", seconds),
        answered + " of " + 3 * perAddress + " answered");
  }

  @Test
  void loginsForUnknownIdsStartNoUserEntityAndRepeatsAreAnsweredFromTheCache() throws Exception {
    List<String> ghosts = new ArrayList<>();
    for (int i = 0; i < 200; i++) ghosts.add(Ids.user("ghost"));
    String known = Ids.user("amy");
    assertEquals(201, register(from("127.0.1.250"), known).status());
    HttpFrom.Response wrongPassword = login(from("127.0.1.250"), known, WRONG);
    assertEquals(401, wrongPassword.status());

    double lookupsBefore = lookups();
    loginAll(ghosts, 1, wrongPassword);
    Set<String> hosted = hostedUsers();
    assertTrue(hosted.contains(known), "the region state lists the user entities this node hosts");
    assertEquals(
        0,
        ghosts.stream().filter(hosted::contains).count(),
        "user entities started for unknown ids");
    double lookupsAfterFirst = lookups();
    assertTrue(
        lookupsAfterFirst - lookupsBefore <= ghosts.size(), "at most one journal read per id");

    loginAll(ghosts, 2, wrongPassword);
    assertEquals(lookupsAfterFirst, lookups(), "repeats were answered from the cache");
    hosted = hostedUsers();
    assertEquals(
        0,
        ghosts.stream().filter(hosted::contains).count(),
        "user entities started for unknown ids");

    // A registration on this node is seen at once, over the cached miss.
    String late = ghosts.get(0);
    assertEquals(201, register(from("127.0.1.251"), late).status());
    assertEquals(200, login(from("127.0.1.251"), late, password(late)).status());
  }

  /**
   * Logs each id in with a wrong password, 10 per address (127.0.round.*): each gets the
   * bad-password answer.
   */
  private void loginAll(List<String> ids, int round, HttpFrom.Response wrongPassword)
      throws Exception {
    for (int i = 0; i < ids.size(); i++) {
      HttpFrom.Response r = login(from("127.0." + round + "." + (1 + i / 10)), ids.get(i), WRONG);
      assertEquals(wrongPassword.status(), r.status(), ids.get(i) + ": " + r);
      assertEquals(wrongPassword.body(), r.body(), "unknown users look like wrong passwords");
    }
  }

  /**
   * Journal reads to learn whether an id exists (the registry is the JVM's; this test's node is the
   * only one at work).
   */
  private double lookups() {
    return counted("parley.known.users.lookups");
  }

  private static double counted(String name) {
    Counter counter = Metrics.REGISTRY.find(name).counter();
    return counter == null ? 0 : counter.count();
  }

  private Set<String> hostedUsers() throws Exception {
    CurrentShardRegionState state =
        AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
                ClusterSharding.get(node.system()).shardState(),
                replyTo -> new GetShardRegionState(UserEntity.ENTITY_KEY, replyTo),
                Duration.ofSeconds(10),
                node.system().scheduler())
            .toCompletableFuture()
            .get();
    Set<String> ids = new HashSet<>();
    state.getShards().forEach(shard -> ids.addAll(shard.getEntityIds()));
    return ids;
  }

  private double bound(String ratePath, String burstPath, double seconds) {
    return rest.getInt(burstPath) + rest.getDouble(ratePath) * seconds + 1;
  }

  private static void assertRateLimited(HttpFrom.Response r) {
    assertEquals(429, r.status(), r.toString());
    assertEquals("rate_limited", r.body().path("error").asText(), r.toString());
    String retryAfter = r.headers().get("retry-after");
    assertNotNull(retryAfter, "Retry-After: " + r);
    assertTrue(Long.parseLong(retryAfter) >= 1, r.toString());
    // A refusal carries the security headers of its path like any answer (SecurityHeadersTest).
    assertEquals("nosniff", r.headers().get("x-content-type-options"), "nosniff: " + r);
    assertEquals("DENY", r.headers().get("x-frame-options"), "X-Frame-Options: " + r);
  }

  private HttpFrom from(String address) {
    return new HttpFrom(address, node.httpAddress());
  }

  private static HttpFrom.Response login(HttpFrom http, String user, String password)
      throws Exception {
    return http.post("/api/v1/sessions", Map.of("user", user, "password", password));
  }

  private static HttpFrom.Response register(HttpFrom http, String user) throws Exception {
    return http.post(
        "/api/v1/users", Map.of("user", user, "password", password(user), "nickname", "n"));
  }

  private static String password(String user) {
    return "password-" + user;
  }
}
