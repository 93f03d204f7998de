package io.parley.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.storage.CassandraSettings;
import io.parley.storage.Schema;

/**
 * Applies cassandra/schema.cql and exits: what the Kubernetes schema Job runs, so that nodes in
 * production can start with {@code PARLEY_APPLY_SCHEMA=off}. In node/, as wiring: storage itself
 * knows nothing of how Parley's configuration is loaded.
 */
public final class ApplySchema {
  private ApplySchema() {}

  public static void main(String[] args) {
    Config config = ParleyConfig.load(ConfigFactory.empty());
    CassandraSettings cassandra = CassandraSettings.from(config);
    System.out.println("Applying the Parley schema to " + cassandra.contactPoints() + " ...");
    try {
      Schema.apply(cassandra, config.getDuration("parley.cassandra.connect-timeout"));
    } catch (RuntimeException e) {
      System.err.println("Schema not applied: " + e.getMessage());
      System.exit(1);
    }
    System.out.println("Schema applied.");
  }
}
