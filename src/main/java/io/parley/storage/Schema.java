package io.parley.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code cassandra/schema.cql} (packaged as {@code parley/schema.cql}). Every statement is
 * {@code IF NOT EXISTS}, so applying it again is harmless; nodes do it at start-up unless {@code
 * parley.cassandra.apply-schema} is off (production applies it once, from a Job). Tables an older
 * schema made with a setting since changed are brought in line ({@link CompactionUpgrade}).
 */
public final class Schema {
  private static final Logger log = LoggerFactory.getLogger(Schema.class);
  private static final String RESOURCE = "parley/schema.cql";

  private Schema() {}

  public static List<String> statements(String replication) {
    String text = read().replace("{replication}", replication);
    StringBuilder withoutComments = new StringBuilder();
    for (String line : text.split("\n")) {
      if (!line.strip().startsWith("--")) withoutComments.append(line).append('\n');
    }
    return Arrays.stream(withoutComments.toString().split(";\\s*\n"))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /** Waits until Cassandra answers (up to {@code timeout}), then applies every statement. */
  public static void apply(CassandraSettings cassandra, Duration timeout) {
    try (CqlSession session = CassandraSessions.open(cassandra, timeout)) {
      List<String> statements = statements(cassandra.replication());
      for (String statement : statements) {
        session.execute(statement);
      }
      CompactionUpgrade.apply(session, statements);
      log.info("Schema applied to {}", cassandra.contactPoints());
    }
  }

  /** A contact point from {@code host:port} (port 9042 when none is given). */
  public static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) return new InetSocketAddress(hostPort, 9042);
    return new InetSocketAddress(
        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private static String read() {
    try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is not on the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
