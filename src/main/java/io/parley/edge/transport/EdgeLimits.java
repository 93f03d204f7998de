package io.parley.edge.transport;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * What a client may hold of an edge node: connections per node, per source address and per user,
 * and how long a socket may go without finishing its request head or taking its bytes. From {@code
 * parley.edge} and {@code parley.session}; each is explained in conf/application.conf.
 */
public record EdgeLimits(
    int maxConnections,
    int maxConnectionsPerIp,
    int maxSocketsPerUser,
    Duration refusedRetryAfter,
    Duration requestHeadTimeout,
    Duration writeStallTimeout) {

  public static EdgeLimits from(Config config) {
    Config edge = config.getConfig("parley.edge");
    return new EdgeLimits(
        edge.getInt("max-connections"),
        edge.getInt("max-connections-per-ip"),
        config.getInt("parley.session.max-sockets-per-user"),
        edge.getDuration("refused-retry-after"),
        edge.getDuration("request-head-timeout"),
        edge.getDuration("write-stall-timeout"));
  }

  /** Retry-After in whole seconds, rounded up. */
  long retryAfterSeconds() {
    return (refusedRetryAfter.toMillis() + 999) / 1000;
  }
}
