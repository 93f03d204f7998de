package io.parley.node;

import com.typesafe.config.Config;
import io.parley.notifications.NotificationSink;
import io.parley.notifications.Provider;
import io.parley.notifications.Providers;
import io.parley.notifications.PushProvider;
import io.parley.notifications.PushQueue;
import io.parley.notifications.PushQueueSettings;
import io.parley.user.UserDeadTokens;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Where this node's user entities hand their pushes (docs/operations.md, "Push notifications").
 * Core nodes build the queue even with every provider off, so that its metrics exist for the
 * dashboard and alerts; the entities then get {@link NotificationSink#DISABLED}, which makes them
 * decide nothing and store nothing. Edge-only nodes host no user entity: nothing to build.
 */
final class PushNotifications {
  private PushNotifications() {}

  static NotificationSink sink(ActorSystem<?> system, Config config) {
    if (!ParleyConfig.hasRole(config, "core")) return NotificationSink.DISABLED;
    // A provider that is on but misconfigured stops the start here, naming the setting.
    Map<Provider, PushProvider> providers = Providers.from(config);
    PushQueue queue =
        new PushQueue(
            providers,
            new UserDeadTokens(ClusterSharding.get(system)),
            system.scheduler(),
            system.executionContext(),
            PushQueueSettings.from(config));
    if (providers.isEmpty()) return NotificationSink.DISABLED;
    system.log().info("Push notifications on: {}", providers.keySet());
    return queue;
  }
}
