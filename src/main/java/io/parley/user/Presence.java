package io.parley.user;

import java.util.Set;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Tells friends' user entities when this user comes online or goes offline; they push it to their
 * own sessions ({@link UserEntity.FriendPresence}). Best effort, like every push.
 */
final class Presence {
  static final String ONLINE = "online";
  static final String OFFLINE = "offline";

  private final String userId;
  private final ClusterSharding sharding;

  Presence(String userId, ClusterSharding sharding) {
    this.userId = userId;
    this.sharding = sharding;
  }

  /** To every friend: blocked users are never friends, so they never hear it. */
  void announce(Set<String> friends, String state, Long lastSeen) {
    friends.forEach(friend -> tell(friend, state, lastSeen));
  }

  /** A new friend learns this user's presence now rather than at its next change. */
  void tellNewFriend(String friend, boolean online, long lastSeen) {
    tell(friend, online ? ONLINE : OFFLINE, online || lastSeen == 0 ? null : lastSeen);
  }

  private void tell(String friend, String state, Long lastSeen) {
    sharding
        .entityRefFor(UserEntity.ENTITY_KEY, friend)
        .tell(new UserEntity.FriendPresence(userId, state, lastSeen));
  }
}
