package io.parley.user;

import io.parley.notifications.NotificationSink;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * What every user entity of a node needs from it, read from the config once rather than per entity.
 * {@code pushes}: where the entities hand the pushes they decide on ({@link
 * NotificationSink#DISABLED}: pushes off, and the entities decide none).
 */
record UserDeps(
    ClusterSharding sharding,
    GroupConsent consent,
    ConversationNotices notices,
    NotificationSink pushes,
    PushSettings push,
    int maxPendingRequests,
    long missedWindowNanos,
    Directory directory,
    java.time.Duration relistRetry) {

  static UserDeps from(
      ActorSystem<?> system,
      ClusterSharding sharding,
      ConversationNotices notices,
      NotificationSink pushes) {
    return from(system, sharding, notices, pushes, Directory.NONE);
  }

  static UserDeps from(
      ActorSystem<?> system,
      ClusterSharding sharding,
      ConversationNotices notices,
      NotificationSink pushes,
      Directory directory) {
    var config = system.settings().config();
    return new UserDeps(
        sharding,
        GroupConsent.from(config),
        notices,
        pushes,
        PushSettings.from(config),
        // The most friend requests a user may have waiting, in and out (each side checks its own).
        config.getInt("parley.user.max-pending-requests"),
        Sessions.missedWindow(config).toNanos(),
        directory,
        config.getDuration("parley.people.relist-retry"));
  }

  /** The same with another group consent (tests of its cap). */
  UserDeps with(GroupConsent other) {
    return new UserDeps(
        sharding,
        other,
        notices,
        pushes,
        push,
        maxPendingRequests,
        missedWindowNanos,
        directory,
        relistRetry);
  }

  /** The same with other push settings (tests of the coalescing window). */
  UserDeps with(PushSettings other) {
    return new UserDeps(
        sharding,
        consent,
        notices,
        pushes,
        other,
        maxPendingRequests,
        missedWindowNanos,
        directory,
        relistRetry);
  }

  boolean pushesOn() {
    return pushes != NotificationSink.DISABLED;
  }
}
