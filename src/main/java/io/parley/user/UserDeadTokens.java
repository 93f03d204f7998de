package io.parley.user;

import io.parley.notifications.DeadTokens;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Dead tokens reported by the node's push queue go to their user's entity ({@link
 * PushProtocol.RemovePushDevice}, through sharding, fire and forget): it drops the device's
 * registration if the device still has that token. A lost one is reported again at that device's
 * next push.
 */
public final class UserDeadTokens implements DeadTokens {
  private final ClusterSharding sharding;

  public UserDeadTokens(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  @Override
  public void remove(String user, String device, String token) {
    sharding
        .entityRefFor(UserEntity.ENTITY_KEY, user)
        .tell(new PushProtocol.RemovePushDevice(device, token, null));
  }
}
