package io.parley.http;

import io.parley.metrics.Metrics;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /metrics} in the Prometheus text format: on an edge node's HTTP port, and on every
 * node's management port (core-only nodes have no other HTTP port), registered in {@code
 * pekko.management.http.routes}.
 */
public final class MetricsRoute implements ManagementRouteProvider {

  public MetricsRoute(ExtendedActorSystem system) {}

  static Route prometheus() {
    return Directives.complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, Metrics.scrape()));
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return Directives.path("metrics", () -> Directives.get(MetricsRoute::prometheus));
  }
}
