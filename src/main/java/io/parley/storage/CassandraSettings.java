package io.parley.storage;

import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.List;

/** Settings from {@code parley.cassandra}. */
public record CassandraSettings(
    List<String> contactPoints, String localDatacenter, String replication, boolean applySchema) {

  public static CassandraSettings from(Config config) {
    Config c = config.getConfig("parley.cassandra");
    return new CassandraSettings(
        Arrays.stream(c.getString("contact-points").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList(),
        c.getString("local-datacenter"),
        c.getString("replication"),
        c.getBoolean("apply-schema"));
  }
}
