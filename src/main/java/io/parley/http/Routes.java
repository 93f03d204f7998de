package io.parley.http;

import io.parley.edge.transport.WebSocketTransport;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Everything an edge node serves over HTTP: the WebSocket endpoint, the REST API, the web client,
 * each request within its source address's budget, each answer with its {@link SecurityHeaders}.
 * Not /metrics: that is the management port's ({@link MetricsRoute}), which only the cluster's own
 * pods reach.
 */
public final class Routes extends AllDirectives {
  private final WebSocketTransport webSocket;
  private final UserRoutes users;
  private final ProfileRoutes profiles;
  private final PeopleRoutes people;
  private final ConversationRoutes conversations;
  private final DeviceRoutes devices;
  private final RestBudgets budgets;
  // Present when the port speaks TLS: then browsers are told to keep to https (HSTS).
  private final Optional<Duration> hstsMaxAge;
  private final WebRoutes web = new WebRoutes();

  public Routes(
      WebSocketTransport webSocket,
      UserRoutes users,
      ProfileRoutes profiles,
      PeopleRoutes people,
      ConversationRoutes conversations,
      DeviceRoutes devices,
      RestBudgets budgets,
      Optional<Duration> hstsMaxAge) {
    this.webSocket = webSocket;
    this.hstsMaxAge = hstsMaxAge;
    this.users = users;
    this.profiles = profiles;
    this.people = people;
    this.conversations = conversations;
    this.devices = devices;
    this.budgets = budgets;
  }

  public Route routes() {
    Route all =
        concat(
            path(
                "ws",
                () ->
                    get(
                        () ->
                            extractWebSocketUpgrade(
                                upgrade -> complete(webSocket.accept(upgrade))))),
            pathPrefix(
                "api",
                () ->
                    pathPrefix(
                        "v1",
                        () ->
                            concat(
                                users.routes(),
                                people.routes(),
                                profiles.routes(),
                                devices.routes(),
                                conversations.routes()))),
            web.routes());
    return SecurityHeaders.around(hstsMaxAge, () -> budgets.perAddress(() -> all));
  }
}
