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
 * {@code GET /metrics} in the Prometheus text format, on every node's management port only
 * (registered in {@code pekko.management.http.routes}). Not on the public HTTP port: the series
 * tell anyone who can read them how busy the cluster is and when it struggles, and the port they
 * are on is reachable only from inside the cluster (k8s/network-policies.yaml).
 */
public final class MetricsRoute implements ManagementRouteProvider {

  public MetricsRoute(ExtendedActorSystem system) {}

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return Directives.path(
        "metrics",
        () ->
            Directives.get(
                () ->
                    Directives.complete(
                        HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, Metrics.scrape()))));
  }
}
