package io.parley.storage;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver sessions of Parley's own (the schema's, tools' and tests'), logged in and encrypted as
 * {@link CassandraSettings} says, like the journal's. A refused login or TLS handshake fails at
 * once with what to fix: waiting longer cannot help, unlike a Cassandra that is still starting.
 */
public final class CassandraSessions {
  private static final Logger log = LoggerFactory.getLogger(CassandraSessions.class);
  // DDL on a loaded 2-core box can take seconds per table: give it room.
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  // A retry pause for an external service that is still booting.
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

  private CassandraSessions() {}

  /** Opens a session, retrying until Cassandra answers or {@code timeout} passes. */
  public static CqlSession open(CassandraSettings cassandra, Duration timeout) {
    checkTruststore(cassandra);
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      try {
        return build(cassandra);
      } catch (RuntimeException e) {
        refusal(cassandra, e).ifPresent(message -> fail(message, e));
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "Cassandra at "
                  + cassandra.contactPoints()
                  + " did not answer; start it (./parley cassandra) or set"
                  + " PARLEY_CASSANDRA_CONTACT_POINTS",
              e);
        }
        log.info("Waiting for Cassandra at {}: {}", cassandra.contactPoints(), e.getMessage());
        pause();
      }
    }
  }

  /**
   * One attempt to log in: throws if Cassandra refuses the credentials or the TLS handshake, and
   * only logs if it cannot be reached (it may be starting; readiness waits for it).
   */
  public static void checkLogin(CassandraSettings cassandra) {
    checkTruststore(cassandra);
    try (CqlSession session = build(cassandra)) {
      log.info("Logged in to Cassandra at {}", cassandra.contactPoints());
    } catch (RuntimeException e) {
      refusal(cassandra, e).ifPresent(message -> fail(message, e));
      log.warn("Cassandra at {} not reachable yet: {}", cassandra.contactPoints(), e.getMessage());
    }
  }

  /** A missing truststore is a mistake to fix, not a Cassandra to wait for. */
  private static void checkTruststore(CassandraSettings cassandra) {
    if (cassandra.tls().enabled() && !Files.isReadable(Path.of(cassandra.tls().truststore()))) {
      throw new IllegalStateException(
          "The Cassandra truststore "
              + cassandra.tls().truststore()
              + " (PARLEY_CASSANDRA_TRUSTSTORE) is not a readable file");
    }
  }

  private static CqlSession build(CassandraSettings cassandra) {
    DriverConfigLoader config =
        cassandra
            .driverConfig(DriverConfigLoader.programmaticBuilder())
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, REQUEST_TIMEOUT)
            .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, REQUEST_TIMEOUT)
            // Fail this attempt instead of retrying inside build(): the loop above retries, and
            // tells a refusal apart from a Cassandra that is not up yet.
            .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
            .build();
    return CqlSession.builder()
        .withConfigLoader(config)
        .addContactPoints(cassandra.contactPoints().stream().map(Schema::address).toList())
        .withLocalDatacenter(cassandra.localDatacenter())
        .build();
  }

  private static void fail(String message, RuntimeException cause) {
    throw new IllegalStateException(message, cause);
  }

  /**
   * What to tell the operator if {@code error} is Cassandra refusing the login or the TLS
   * handshake; empty if it is anything else (not reachable, not ready, a bad file).
   */
  static Optional<String> refusal(CassandraSettings cassandra, Throwable error) {
    String where = "Cassandra at " + cassandra.contactPoints();
    for (Throwable cause : causes(error)) {
      if (cause instanceof AuthenticationException) {
        return Optional.of(
            cassandra.authenticates()
                ? where
                    + " refused the login of user '"
                    + cassandra.username()
                    + "' (PARLEY_CASSANDRA_USERNAME, PARLEY_CASSANDRA_PASSWORD): "
                    + cause.getMessage()
                : where
                    + " requires a login: set PARLEY_CASSANDRA_USERNAME and"
                    + " PARLEY_CASSANDRA_PASSWORD ("
                    + cause.getMessage()
                    + ")");
      }
      if (cause instanceof SSLException) {
        return Optional.of(
            cassandra.tls().enabled()
                ? "TLS to "
                    + where
                    + " failed: "
                    + cause.getMessage()
                    + ". PARLEY_CASSANDRA_TRUSTSTORE must hold the CA that signed Cassandra's"
                    + " certificate, and with hostname validation on"
                    + " (PARLEY_CASSANDRA_HOSTNAME_VALIDATION) the certificate must name the"
                    + " address Parley connects to"
                : where + " failed a TLS handshake: " + cause.getMessage());
      }
    }
    return Optional.empty();
  }

  /** The error, its causes, and for a failed connect every node's errors and their causes. */
  private static List<Throwable> causes(Throwable error) {
    List<Throwable> all = new ArrayList<>();
    for (Throwable t = error; t != null && !all.contains(t); t = t.getCause()) {
      all.add(t);
      if (t instanceof AllNodesFailedException failed) {
        failed.getAllErrors().values().stream()
            .flatMap(List::stream)
            .forEach(nodeError -> all.addAll(causes(nodeError)));
      }
    }
    return all;
  }

  private static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Cassandra", e);
    }
  }
}
