package io.parley.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.node.Node;
import io.parley.node.ParleyConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Real Parley nodes for tests, on the real Cassandra that {@code ./parley test} started (its
 * address comes in the system property {@code parley.test.cassandra}; the login of its Parley role
 * in PARLEY_CASSANDRA_USERNAME and PARLEY_CASSANDRA_PASSWORD, which conf/application.conf reads, so
 * that child processes and the load tool get it too). Every port is ephemeral, so tests never
 * collide with a running {@code ./parley run}.
 *
 * <p>As an extension it starts one node shared by every test class of the run; tests keep apart by
 * using their own user ids ({@link Ids}). Test methods get it as a {@link Node} or {@link
 * Endpoints} parameter; in a class marked {@link OverTls}, they get a second shared node whose
 * ports speak TLS.
 */
public final class TestNodes implements BeforeAllCallback, ParameterResolver {
  public static final String TOKEN_SECRET = "test-secret-test-secret-test-secret-0123456789";
  private static final AtomicInteger counter = new AtomicInteger();

  private static final int UNLIMITED = 100000;

  // Tests fire hundreds of frames at once from one user; RateLimitTest and FrameBudgetsTest
  // check the real budgets on nodes of their own.
  private static final Map<String, Object> RAISED_FRAME_LIMITS =
      raised(
          List.of("parley.limits.send-rate", "parley.limits.send-burst"),
          "parley.limits.frames",
          "typing",
          "acks",
          "reads",
          "queries",
          "changes",
          "rooms",
          "control");

  // Every test's requests come from 127.0.0.1; RestLimitsTest checks the real budgets.
  private static final Map<String, Object> RAISED_REST_LIMITS =
      raised(
          List.of(
              "parley.rest.per-address.rate", "parley.rest.per-address.burst",
              "parley.rest.per-user.rate", "parley.rest.per-user.burst",
              // Searches too: tests poll the directory; PeopleSearchTest checks the budget.
              "parley.people.search.rate", "parley.people.search.burst"),
          "parley.rest",
          "login",
          "register");

  /** The keys, and rate, burst, user-rate and user-burst of each budget class, set to UNLIMITED. */
  private static Map<String, Object> raised(List<String> keys, String section, String... classes) {
    Map<String, Object> raised = new HashMap<>();
    keys.forEach(key -> raised.put(key, UNLIMITED));
    for (String c : classes) {
      for (String key : List.of("rate", "burst", "user-rate", "user-burst")) {
        raised.put(section + "." + c + "." + key, UNLIMITED);
      }
    }
    return raised;
  }

  public static String cassandra() {
    String contact = System.getProperty("parley.test.cassandra");
    if (contact == null || contact.isBlank() || contact.startsWith("${")) {
      throw new IllegalStateException(
          "No test Cassandra: run the suite with ./parley test, which starts one and passes"
              + " -Dparley.test.cassandra=host:port");
    }
    return contact;
  }

  /**
   * The truststore of the test Cassandra's TLS certificate, which {@code ./parley test} passes in
   * {@code parley.test.cassandra-truststore} (its own Cassandra's, or
   * PARLEY_TEST_CASSANDRA_TRUSTSTORE for another), with its password.
   */
  public static Map<String, Object> cassandraTls() {
    String truststore = System.getProperty("parley.test.cassandra-truststore", "");
    if (truststore.isBlank() || truststore.startsWith("${")) {
      throw new IllegalStateException(
          "No truststore for the test Cassandra's TLS: run ./parley test without"
              + " PARLEY_TEST_CASSANDRA (its Cassandra offers TLS), or set"
              + " PARLEY_TEST_CASSANDRA_TRUSTSTORE and PARLEY_TEST_CASSANDRA_TRUSTSTORE_PASSWORD");
    }
    return Map.of(
        "parley.cassandra.tls.truststore",
        truststore,
        "parley.cassandra.tls.truststore-password",
        System.getProperty("parley.test.cassandra-truststore-password", ""));
  }

  private static Config config(
      Map<String, Object> overrides, boolean raiseFrameLimits, boolean raiseRestLimits) {
    Config test =
        ConfigFactory.parseMap(
            Map.ofEntries(
                Map.entry("parley.node.remote-port", 0),
                Map.entry("parley.edge.http-port", 0),
                Map.entry("parley.edge.tcp-port", 0),
                Map.entry("parley.cluster.self-join", true),
                // Pekko Management (health checks, /metrics) on an ephemeral port, as every port
                // here: several nodes share a JVM in tests.
                Map.entry("parley.management.port", 0),
                Map.entry("parley.metrics.entity-poll", "1s"),
                Map.entry("parley.cassandra.contact-points", cassandra()),
                Map.entry("parley.auth.token-secret", TOKEN_SECRET),
                Map.entry("parley.at-rest.keys-file", TestKeys.file()),
                // Every test client connects from 127.0.0.1, and the load tool's tests open
                // many sockets per user; ConnectionLimitsTest checks the caps.
                Map.entry("parley.edge.max-connections-per-ip", 100000),
                Map.entry("parley.session.max-sockets-per-user", 100000),
                // A test ends a node by terminating it; the JVM must survive that.
                Map.entry("pekko.coordinated-shutdown.exit-jvm", "off"),
                Map.entry("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off")));
    Config limits = ConfigFactory.empty();
    if (raiseFrameLimits) limits = limits.withFallback(ConfigFactory.parseMap(RAISED_FRAME_LIMITS));
    if (raiseRestLimits) limits = limits.withFallback(ConfigFactory.parseMap(RAISED_REST_LIMITS));
    return ParleyConfig.load(
        ConfigFactory.parseMap(overrides).withFallback(limits).withFallback(test));
  }

  public static Config config(Map<String, Object> overrides) {
    return config(overrides, true, true);
  }

  public static Node start(Map<String, Object> overrides) throws Exception {
    return start(config(overrides));
  }

  /** A node with the production frame budgets (parley.limits.frames) and raised REST ones. */
  public static Node startWithRealFrameLimits(Map<String, Object> overrides) throws Exception {
    return start(config(overrides, false, true));
  }

  /** A node with the production REST budgets (parley.rest) and raised frame ones. */
  public static Node startWithRealRestLimits(Map<String, Object> overrides) throws Exception {
    return start(config(overrides, true, false));
  }

  private static Node start(Config config) throws Exception {
    return Node.start(config, "parley-test-" + counter.incrementAndGet());
  }

  /** The node shared by the test classes that use this extension. */
  public static Node shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(SharedNode.class, k -> new SharedNode(), SharedNode.class)
        .node;
  }

  /** The shared node whose ports speak TLS under {@link TestTls#shared()}'s keystore. */
  public static Node sharedTls(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            SharedTlsNode.class,
            k -> new SharedTlsNode(TestTls.shared().nodeSettings()),
            SharedTlsNode.class)
        .node;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (overTls(context)) sharedTls(context);
    else shared(context);
  }

  private static boolean overTls(ExtensionContext context) {
    return context.getRequiredTestClass().isAnnotationPresent(OverTls.class);
  }

  /** Injects the shared node into test methods and constructors that take a Node or Endpoints. */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Node.class || type == Endpoints.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    boolean tls = overTls(context);
    Node node = tls ? sharedTls(context) : shared(context);
    if (parameter.getParameter().getType() == Node.class) return node;
    return new Endpoints(node, tls ? TestTls.shared() : null);
  }

  private static class SharedNode implements ExtensionContext.Store.CloseableResource {
    final Node node;

    SharedNode() {
      this(Map.of());
    }

    SharedNode(Map<String, Object> overrides) {
      try {
        node = start(overrides);
      } catch (Exception e) {
        throw new IllegalStateException("could not start a shared test node", e);
      }
    }

    @Override
    public void close() throws Exception {
      node.close();
    }
  }

  private static final class SharedTlsNode extends SharedNode {
    SharedTlsNode(Map<String, Object> tls) {
      super(tls);
    }
  }
}
