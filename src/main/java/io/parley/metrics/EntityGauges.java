package io.parley.metrics;

import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Gauges of the entities this node hosts per entity type (its shard region), polled from sharding
 * every {@code every}: {@code parley_entities{type="Conversation"}}.
 */
public final class EntityGauges {
  private EntityGauges() {}

  public static void start(ActorSystem<?> system, Duration every, EntityTypeKey<?>... types) {
    for (EntityTypeKey<?> type : types) {
      AtomicLong count = new AtomicLong();
      Gauge.builder("parley.entities", count, AtomicLong::get)
          .description("entities hosted by this node's shard region")
          .tag("type", type.name())
          .tag("node", system.address().toString())
          .register(Metrics.REGISTRY);
      system.systemActorOf(
          poller(type, count, every), "entity-gauge-" + type.name(), Props.empty());
    }
  }

  private static Behavior<Object> poller(EntityTypeKey<?> type, AtomicLong count, Duration every) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay("poll", "poll", every);
                  ActorRef<CurrentShardRegionState> replies =
                      ctx.messageAdapter(CurrentShardRegionState.class, state -> state);
                  return Behaviors.receiveMessage(
                      message -> {
                        if (message instanceof CurrentShardRegionState state) {
                          count.set(
                              state.getShards().stream()
                                  .mapToLong(s -> s.getEntityIds().size())
                                  .sum());
                        } else {
                          ClusterSharding.get(ctx.getSystem())
                              .shardState()
                              .tell(new GetShardRegionState(type, replies));
                        }
                        return Behaviors.same();
                      });
                }));
  }
}
