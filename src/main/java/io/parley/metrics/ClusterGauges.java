package io.parley.metrics;

import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The cluster's membership as this node sees it, for alerts (k8s/monitoring/): members up, members
 * unreachable (the split-brain resolver decides once that has been stable for its stable-after),
 * and members downed (by the resolver, or by hand through the Cluster HTTP API).
 */
public final class ClusterGauges {
  static final AtomicLong UP =
      Metrics.REGISTRY.gauge("parley.cluster.members.up", new AtomicLong());

  static final AtomicLong UNREACHABLE =
      Metrics.REGISTRY.gauge("parley.cluster.members.unreachable", new AtomicLong());

  static final Counter DOWNED =
      Counter.builder("parley.cluster.members.downed")
          .description("cluster members this node saw downed (split-brain resolver or by hand)")
          .register(Metrics.REGISTRY);

  private ClusterGauges() {}

  public static void start(ActorSystem<?> system) {
    system.systemActorOf(behavior(), "parley-cluster-gauges", Props.empty());
  }

  private static Behavior<ClusterEvent.ClusterDomainEvent> behavior() {
    return Behaviors.setup(
        context -> {
          Cluster cluster = Cluster.get(context.getSystem());
          cluster
              .subscriptions()
              .tell(Subscribe.create(context.getSelf(), ClusterEvent.ClusterDomainEvent.class));
          return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
              .onAnyMessage(
                  event -> {
                    if (event instanceof ClusterEvent.MemberDowned) DOWNED.increment();
                    ClusterEvent.CurrentClusterState state = cluster.state();
                    long up = 0;
                    for (var member : state.getMembers()) {
                      if (member.status() == MemberStatus.up()) up++;
                    }
                    UP.set(up);
                    UNREACHABLE.set(state.getUnreachable().size());
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
