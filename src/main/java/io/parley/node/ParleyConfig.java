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
 * environment variables can set, and the settings that only exist when a feature is on (the
 * driver's login and TLS).
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
    Config derived =
        ConfigFactory.empty()
            .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles))
            .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
            .withValue(
                "datastax-java-driver.basic.contact-points",
                ConfigValueFactory.fromIterable(contactPoints));
    // The login and TLS of the journal's sessions: present only when configured, since the
    // driver turns each on by the mere presence of its class setting.
    for (var option : CassandraSettings.from(base).driverOptions().entrySet()) {
      derived =
          derived.withValue(
              "datastax-java-driver." + option.getKey().getPath(),
              ConfigValueFactory.fromAnyRef(option.getValue()));
    }
    return derived.withFallback(base);
  }

  public static boolean hasRole(Config config, String role) {
    return config.getStringList("pekko.cluster.roles").contains(role);
  }
}
