package io.parley.user;

import io.parley.notifications.NotificationSink;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/** How user entities are started: sharded on core nodes, or alone (tests, benchmarks). */
public final class UserEntities {
  private UserEntities() {}

  /**
   * {@code notices}: how this entity tells conversations of blocks and reads; {@code pushes}: where
   * it hands the pushes it decides on ({@link NotificationSink#DISABLED}: pushes off).
   */
  public static void init(
      ActorSystem<?> system,
      int snapshotEvery,
      ConversationNotices notices,
      NotificationSink pushes) {
    init(system, snapshotEvery, notices, pushes, Directory.NONE);
  }

  /** {@code directory}: where the entities list their users for search. */
  public static void init(
      ActorSystem<?> system,
      int snapshotEvery,
      ConversationNotices notices,
      NotificationSink pushes,
      Directory directory) {
    ClusterSharding sharding = ClusterSharding.get(system);
    UserDeps deps = UserDeps.from(system, sharding, notices, pushes, directory);
    sharding.init(
        Entity.of(UserEntity.ENTITY_KEY, ctx -> create(ctx.getEntityId(), snapshotEvery, deps))
            .withStopMessage(UserEntity.Stop.INSTANCE)
            .withRole("core"));
  }

  public static Behavior<UserEntity.Command> create(
      String userId,
      int snapshotEvery,
      ClusterSharding sharding,
      ConversationNotices notices,
      NotificationSink pushes) {
    return Behaviors.setup(
        ctx ->
            create(
                userId, snapshotEvery, UserDeps.from(ctx.getSystem(), sharding, notices, pushes)));
  }

  static Behavior<UserEntity.Command> create(String userId, int snapshotEvery, UserDeps deps) {
    return Behaviors.setup(ctx -> new UserEntity(ctx, userId, snapshotEvery, deps));
  }
}
