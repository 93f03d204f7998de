package io.parley.bench.chaos;

import io.parley.storage.CassandraSettings;
import java.util.List;

/**
 * How the checker logs in to the journal's Cassandra: a contact point ({@code host:port}) and the
 * role Parley's nodes use (the embedded Cassandra's dev role is parley / parley-dev; an empty
 * username logs in without credentials). Plain CQL, local datacenter {@code datacenter1}.
 */
public record CassandraLogin(String contactPoint, String username, String password) {
  /** The login a node's settings hold (its first contact point), e.g. a test node's. */
  public static CassandraLogin of(CassandraSettings settings) {
    return new CassandraLogin(
        settings.contactPoints().get(0), settings.username(), settings.password());
  }

  CassandraSettings settings() {
    return new CassandraSettings(
        List.of(contactPoint),
        "datacenter1",
        "",
        false,
        username,
        password,
        CassandraSettings.Tls.OFF);
  }

  @Override
  public String toString() {
    return "CassandraLogin[" + contactPoint + ", username=" + username + "]";
  }
}
