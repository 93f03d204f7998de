package io.parley.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.node.Node;
import io.parley.node.ParleyConfig;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Real Parley nodes for tests, on the real Cassandra that {@code ./parley test} started (its
 * address comes in the system property {@code parley.test.cassandra}). Every port is ephemeral,
 * so tests never collide with a running {@code ./parley run}.
 *
 * <p>As an extension it starts one node shared by every test class of the run; tests keep apart
 * by using their own user ids ({@link Ids}). Test methods get it as a {@link Node} parameter.
 */
public final class TestNodes implements BeforeAllCallback, ParameterResolver {
  public static final String TOKEN_SECRET = "test-secret-test-secret-test-secret-0123456789";
  private static final AtomicInteger counter = new AtomicInteger();

  public static String cassandra() {
    String contact = System.getProperty("parley.test.cassandra");
    if (contact == null || contact.isBlank() || contact.startsWith("${")) {
      throw new IllegalStateException(
          "No test Cassandra: run the suite with ./parley test, which starts one and passes"
              + " -Dparley.test.cassandra=host:port");
    }
    return contact;
  }

  public static Config config(Map<String, Object> overrides) {
    Config test =
        ConfigFactory.parseMap(
                Map.ofEntries(
                    Map.entry("parley.node.remote-port", 0),
                    Map.entry("parley.edge.http-port", 0),
                    Map.entry("parley.edge.tcp-port", 0),
                    Map.entry("parley.cluster.self-join", true),
                    // Several nodes share a JVM in tests: no management HTTP port to collide on.
                    Map.entry("parley.management.enabled", false),
                    Map.entry("parley.metrics.entity-poll", "1s"),
                    Map.entry("parley.cassandra.contact-points", cassandra()),
                    Map.entry("parley.auth.token-secret", TOKEN_SECRET),
                    // Tests fire hundreds of sends at once; RateLimitTest checks the real limit.
                    Map.entry("parley.limits.send-rate", 100000),
                    Map.entry("parley.limits.send-burst", 100000),
                    // Every test client connects from 127.0.0.1, and the load tool's tests open
                    // many sockets per user; ConnectionLimitsTest checks the caps.
                    Map.entry("parley.edge.max-connections-per-ip", 100000),
                    Map.entry("parley.session.max-sockets-per-user", 100000),
                    // A test ends a node by terminating it; the JVM must survive that.
                    Map.entry("pekko.coordinated-shutdown.exit-jvm", "off"),
                    Map.entry("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off")));
    return ParleyConfig.load(ConfigFactory.parseMap(overrides).withFallback(test));
  }

  public static Node start(Map<String, Object> overrides) throws Exception {
    return Node.start(config(overrides), "parley-test-" + counter.incrementAndGet());
  }

  /** The node shared by the test classes that use this extension. */
  public static Node shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(SharedNode.class, k -> new SharedNode(), SharedNode.class)
        .node;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    shared(context);
  }

  /** Injects the shared node into test methods and constructors that take a {@link Node}. */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Node.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared(context);
  }

  private static final class SharedNode implements ExtensionContext.Store.CloseableResource {
    final Node node;

    SharedNode() {
      try {
        node = start(Map.of());
      } catch (Exception e) {
        throw new IllegalStateException("could not start the shared test node", e);
      }
    }

    @Override
    public void close() throws Exception {
      node.close();
    }
  }
}
