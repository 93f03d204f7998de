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
  private ParleyConfig() {}

  public static Config load(Config overrides) {
    // Layer the overrides under application.conf's substitutions before resolving, so that
    // e.g. an overridden parley.node.remote-port reaches pekko.remote.artery.canonical.port.
    Config base =
        ConfigFactory.load(overrides.withFallback(ConfigFactory.parseResourcesAnySyntax("application")));
    List<String> roles =
        Arrays.stream(base.getString("parley.node.roles").split(","))
            .map(String::strip)
            .filter(r -> !r.isEmpty())
            .toList();
    List<String> contactPoints = CassandraSettings.from(base).contactPoints();
    return ConfigFactory.empty()
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles))
        .withValue(
            "datastax-java-driver.basic.contact-points",
            ConfigValueFactory.fromIterable(contactPoints))
        .withFallback(base);
  }

  public static boolean hasRole(Config config, String role) {
    return config.getStringList("pekko.cluster.roles").contains(role);
  }
}
