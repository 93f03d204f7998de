package io.parley.edge.session;

import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * When a core member is removed from the cluster (crashed and downed, or left), the user entities
 * it held start again elsewhere knowing no sessions, and pushes to their users would miss this
 * node's sessions until each one's next refresh (parley.session.refresh, 30 s). So every session
 * here attaches again at once, spread over parley.session.reattach-spread. Messages sent once the
 * member is removed wait in sharding until its shards have their new home, so none is lost to the
 * removed node, and what a new user entity pushed before a session attached is told to it then
 * (Push.Missed). One per edge node. (A user entity that sharding stops on a live node tells its
 * sessions itself: Push.AttachAgain.)
 */
public final class CoreRemovals {
  // The role the user entities run on (UserEntity.init).
  private static final String CORE = "core";

  private CoreRemovals() {}

  public static Behavior<ClusterEvent.MemberRemoved> create(
      LiveSessions sessions, Duration spread) {
    return Behaviors.setup(
        ctx -> {
          Cluster.get(ctx.getSystem())
              .subscriptions()
              .tell(Subscribe.create(ctx.getSelf(), ClusterEvent.MemberRemoved.class));
          return Behaviors.receiveMessage(
              removed -> {
                if (removed.member().hasRole(CORE)) sessions.reattach(spread);
                return Behaviors.same();
              });
        });
  }
}
