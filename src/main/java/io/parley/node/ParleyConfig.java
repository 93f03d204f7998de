package io.parley.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.parley.storage.CassandraSettings;
import java.util.Arrays;
import java.util.List;

/**
 * Loads conf/application.conf (on the classpath as application.conf) under any overrides, and
 * derives the list-valued Pekko and driver settings from Parley's comma-separated ones, which
 * environment variables can set.
 */
public final class ParleyConfig {
  /** The actor system's name: every node of one Parley cluster must use the same. */
  public static final String SYSTEM_NAME = "parley";

  private ParleyConfig() {}

  public static Config load(Config overrides) {
    // Layer the overrides under application.conf's substitutions before resolving, so that
    // e.g. an overridden parley.node.remote-port reaches pekko.remote.artery.canonical.port.
    Config base =
        ConfigFactory.load(
            overrides.withFallback(ConfigFactory.parseResourcesAnySyntax("application")));
    List<String> roles =
        Arrays.stream(base.getString("parley.node.roles").split(","))
            .map(String::strip)
            .filter(r -> !r.isEmpty())
            .toList();
    List<String> contactPoints = CassandraSettings.from(base).contactPoints();
    List<String> seeds =
        Arrays.stream(base.getString("parley.cluster.seed-nodes").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(hostPort -> "pekko://" + SYSTEM_NAME + "@" + hostPort)
            .toList();
    return ConfigFactory.empty()
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
        .withValue(
            "datastax-java-driver.basic.contact-points",
            ConfigValueFactory.fromIterable(contactPoints))
        .withFallback(base);
  }

  public static boolean hasRole(Config config, String role) {
    return config.getStringList("pekko.cluster.roles").contains(role);
  }
}
