package io.parley.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.parley.storage.CassandraSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Loads conf/application.conf (on the classpath as application.conf) under any overrides, and
 * derives the list-valued Pekko and driver settings from Parley's comma-separated ones, which
 * environment variables can set, and the settings that only exist when a feature is on (the
 * driver's login and TLS, Artery's tls-tcp transport).
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
    if (base.getBoolean("parley.cluster.tls.enabled")) {
      derived =
          derived.withValue(
              "pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"));
    }
    return derived.withFallback(base);
  }

  /**
   * Refuses cluster TLS without its stores before the actor system starts: Pekko would fail later
   * with only a file name.
   */
  static void checkClusterTls(Config config) {
    if (!config.getBoolean("parley.cluster.tls.enabled")) return;
    for (String store : List.of("key-store", "trust-store")) {
      String variable = "PARLEY_ARTERY_" + store.replace("-", "").toUpperCase(Locale.ROOT);
      String path = config.getString("parley.cluster.tls." + store);
      if (path.isEmpty()) {
        throw new IllegalArgumentException(
            "Cluster TLS is on (PARLEY_ARTERY_TLS) but " + variable + " is not set");
      }
      if (!Files.isReadable(Path.of(path))) {
        throw new IllegalArgumentException(
            "Cluster TLS: " + variable + " " + path + " is not a readable file");
      }
    }
  }

  public static boolean hasRole(Config config, String role) {
    return config.getStringList("pekko.cluster.roles").contains(role);
  }
}
