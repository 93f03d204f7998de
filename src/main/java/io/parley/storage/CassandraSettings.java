package io.parley.storage;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverOption;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings from {@code parley.cassandra}: where Cassandra is, and how Parley logs in to it
 * (username and password, none when the username is empty) and over what (TLS when a truststore is
 * given, plain otherwise).
 */
public record CassandraSettings(
    List<String> contactPoints,
    String localDatacenter,
    String replication,
    boolean applySchema,
    String username,
    String password,
    Tls tls) {

  /** The driver's TLS: the truststore that holds Cassandra's CA; off when its path is empty. */
  public record Tls(String truststore, String truststorePassword, boolean hostnameValidation) {
    public static final Tls OFF = new Tls("", "", true);

    public boolean enabled() {
      return !truststore.isEmpty();
    }

    @Override
    public String toString() {
      return "Tls[truststore=" + truststore + ", hostnameValidation=" + hostnameValidation + "]";
    }
  }

  public static CassandraSettings from(Config config) {
    Config c = config.getConfig("parley.cassandra");
    return new CassandraSettings(
        Arrays.stream(c.getString("contact-points").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList(),
        c.getString("local-datacenter"),
        c.getString("replication"),
        c.getBoolean("apply-schema"),
        c.getString("username"),
        c.getString("password"),
        new Tls(
            c.getString("tls.truststore"),
            c.getString("tls.truststore-password"),
            c.getBoolean("tls.hostname-validation")));
  }

  /** The same Cassandra, logged in to as another user (tests). */
  public CassandraSettings withCredentials(String username, String password) {
    return new CassandraSettings(
        contactPoints, localDatacenter, replication, applySchema, username, password, tls);
  }

  /** Without the password: this record may end up in a log line or an exception. */
  @Override
  public String toString() {
    return "CassandraSettings[contactPoints="
        + contactPoints
        + ", localDatacenter="
        + localDatacenter
        + ", username="
        + username
        + ", tls="
        + (tls.enabled() ? tls.truststore() : "off")
        + "]";
  }

  public boolean authenticates() {
    return !username.isEmpty();
  }

  /**
   * The driver options that log in and turn TLS on, for every session Parley opens: the journal's
   * (set into {@code datastax-java-driver} by node.ParleyConfig) and the schema's ({@link Schema}).
   * Empty when neither is configured.
   */
  public Map<DriverOption, Object> driverOptions() {
    Map<DriverOption, Object> options = new LinkedHashMap<>();
    if (authenticates()) {
      options.put(DefaultDriverOption.AUTH_PROVIDER_CLASS, "PlainTextAuthProvider");
      options.put(DefaultDriverOption.AUTH_PROVIDER_USER_NAME, username);
      options.put(DefaultDriverOption.AUTH_PROVIDER_PASSWORD, password);
    }
    if (tls.enabled()) {
      options.put(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS, "DefaultSslEngineFactory");
      options.put(DefaultDriverOption.SSL_TRUSTSTORE_PATH, tls.truststore());
      options.put(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD, tls.truststorePassword());
      options.put(DefaultDriverOption.SSL_HOSTNAME_VALIDATION, tls.hostnameValidation());
    }
    return options;
  }

  /** A programmatic driver config (over application.conf's) with {@link #driverOptions()}. */
  public ProgrammaticDriverConfigLoaderBuilder driverConfig(
      ProgrammaticDriverConfigLoaderBuilder builder) {
    driverOptions()
        .forEach(
            (option, value) -> {
              if (value instanceof Boolean flag) builder.withBoolean(option, flag);
              else builder.withString(option, (String) value);
            });
    return builder;
  }
}
