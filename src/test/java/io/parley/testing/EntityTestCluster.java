package io.parley.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.conversation.UserNotices;
import io.parley.notifications.NotificationSink;
import io.parley.user.UserEntities;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/**
 * A one-node cluster on the in-memory journal for entity tests: entities under test talk to other
 * entities through sharding, as they do in production.
 */
public final class EntityTestCluster {
  private static final Config CLUSTER =
      ConfigFactory.parseString(
          """
          pekko.actor.provider = cluster
          pekko.coordinated-shutdown.exit-jvm = off
          pekko.cluster.roles = [core]
          pekko.remote.artery.canonical.port = 0
          pekko.remote.artery.canonical.hostname = 127.0.0.1
          pekko.actor.serialization-bindings { "io.parley.CborSerializable" = jackson-cbor }
          """);

  private EntityTestCluster() {}

  /** A test kit on the persistence test kit's journal, whose system has joined itself. */
  public static ActorTestKit start() {
    return start(EventSourcedBehaviorTestKit.config());
  }

  /**
   * The same on another journal (e.g. Pekko's plain in-memory one, which benchmarks use: the test
   * kit's journal records every call); shut it down after the tests.
   */
  public static ActorTestKit start(Config journal) {
    Config keys = ConfigFactory.parseMap(Map.of("parley.at-rest.keys-file", TestKeys.file()));
    Config config =
        journal
            .withFallback(keys)
            .withFallback(CLUSTER)
            .withFallback(ConfigFactory.load())
            .resolve();
    ActorTestKit testKit = ActorTestKit.create(config);
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    return testKit;
  }

  /**
   * Starts the user entities on the kit's system as entity tests want them: conversations told
   * through sharding, pushes off.
   */
  public static void initUsers(ActorTestKit testKit) {
    UserEntities.init(
        testKit.system(),
        100,
        new UserNotices(ClusterSharding.get(testKit.system())),
        NotificationSink.DISABLED);
  }

  /**
   * Registers each user through its user entity (sharded on the kit's system), waiting for each.
   */
  public static void registerUsers(ActorTestKit testKit, String... users) throws Exception {
    ClusterSharding sharding = ClusterSharding.get(testKit.system());
    for (String user : users) {
      sharding
          .entityRefFor(UserEntity.ENTITY_KEY, user)
          .<UserEntity.RegisterReply>ask(
              r -> new UserEntity.Register("hash", user, r), Duration.ofSeconds(30))
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }
  }
}
