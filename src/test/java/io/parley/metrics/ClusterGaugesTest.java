package io.parley.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.testing.Await;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;

/**
 * Two real cluster members in this JVM: the gauges count them up, and downing one (what the
 * split-brain resolver does to the losing side) counts on the survivor.
 */
class ClusterGaugesTest {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final Config CLUSTER =
      ConfigFactory.parseString(
              """
              pekko.actor.provider = cluster
              pekko.coordinated-shutdown.exit-jvm = off
              pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
              pekko.remote.artery.canonical.port = 0
              pekko.remote.artery.canonical.hostname = 127.0.0.1
              pekko.cluster.downing-provider-class = ""
              """)
          .withFallback(ConfigFactory.defaultReference());

  @Test
  void membersUpAndDownedAreCounted() throws Exception {
    ActorSystem<Void> a = ActorSystem.create(Behaviors.empty(), "gauges", CLUSTER);
    ActorSystem<Void> b = ActorSystem.create(Behaviors.empty(), "gauges", CLUSTER);
    try {
      ClusterGauges.start(a);
      Cluster first = Cluster.get(a);
      first.manager().tell(Join.create(first.selfMember().address()));
      Cluster.get(b).manager().tell(Join.create(first.selfMember().address()));
      Await.until(ClusterGauges.UP::get, up -> up == 2, SETTLE, "two members up");
      double downedBefore = ClusterGauges.DOWNED.count();

      first.manager().tell(new Down(Cluster.get(b).selfMember().address()));
      Await.until(
          ClusterGauges.DOWNED::count, n -> n == downedBefore + 1, SETTLE, "the downing counted");
      Await.until(ClusterGauges.UP::get, up -> up == 1, SETTLE, "one member left up");
      String scrape = Metrics.scrape();
      assertTrue(scrape.contains("parley_cluster_members_downed_total"), scrape);
      assertTrue(scrape.contains("parley_cluster_members_unreachable"), scrape);
      assertEquals(MemberStatus.up(), first.selfMember().status());
    } finally {
      b.terminate();
      a.terminate();
      a.getWhenTerminated().toCompletableFuture().get();
      b.getWhenTerminated().toCompletableFuture().get();
    }
  }
}
