package io.parley.bench.chaos;

import static io.parley.bench.chaos.ChaosCluster.say;

import io.parley.bench.chaos.Nemesis.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The nemeses of issue 26, each a fault production does to a cluster. */
final class Nemeses {
  private Nemeses() {}

  /**
   * kill -9 of the core node hosting the most conversations; it stays down for {@code down} so that
   * its shards fail over to the others (recovery counts from the kill), then comes back.
   */
  static Nemesis killCore(Duration down) {
    return named(
        "kill-core",
        cluster -> {
          ChaosNode victim = cluster.busiestCore();
          Instant at = Instant.now();
          victim.kill();
          say("kill -9 " + victim + "; kept down " + down.toSeconds() + " s");
          Thread.sleep(down.toMillis()); // the fault's length: the failover happens meanwhile
          return new Fault("kill-core", "kill -9 " + victim, at, at);
        });
  }

  /** SIGSTOP of the busiest core node for {@code pause} (2x stable-after), then SIGCONT. */
  static Nemesis pause(Duration pause) {
    return named(
        "pause",
        cluster -> {
          ChaosNode victim = cluster.busiestCore();
          Instant start = Instant.now();
          victim.freeze();
          say("SIGSTOP " + victim + " for " + pause.toSeconds() + " s");
          try {
            Thread.sleep(pause.toMillis()); // the fault's length
          } finally {
            victim.thaw();
          }
          say("SIGCONT " + victim);
          return new Fault(
              "pause", "SIGSTOP " + victim + " " + pause.toSeconds() + " s", start, Instant.now());
        });
  }

  /** The busiest core node cut from every other node (not from Cassandra or its clients). */
  static Nemesis partitionOne(Duration hold) {
    return named(
        "partition-one",
        cluster -> {
          ChaosNode victim = cluster.busiestCore();
          List<ChaosNode> rest = new ArrayList<>(cluster.nodes);
          rest.remove(victim);
          return partition(cluster, List.of(victim), rest, hold, "partition-one");
        });
  }

  /** The nodes split into two halves, the first half (the oldest node's) the smaller. */
  static Nemesis partitionHalves(Duration hold) {
    return named(
        "partition-halves",
        cluster -> {
          int half = cluster.nodes.size() / 2;
          return partition(
              cluster,
              cluster.nodes.subList(0, half),
              cluster.nodes.subList(half, cluster.nodes.size()),
              hold,
              "partition-halves");
        });
  }

  private static Fault partition(
      ChaosCluster cluster, List<ChaosNode> a, List<ChaosNode> b, Duration hold, String name)
      throws Exception {
    Instant start = Instant.now();
    for (ChaosNode x : a) for (ChaosNode y : b) cluster.net.cut(x.index, y.index);
    String detail = indexes(a) + " vs " + indexes(b) + " for " + hold.toSeconds() + " s";
    say("partition " + detail);
    try {
      Thread.sleep(hold.toMillis()); // the fault's length
    } finally {
      cluster.net.healAll();
    }
    say("healed");
    return new Fault(name, detail, start, Instant.now());
  }

  /** kill -9 of Cassandra, down for {@code down}, then started again (its commit log replayed). */
  static Nemesis cassandra(ChaosCassandra cassandra, Duration down) {
    return named(
        "cassandra",
        cluster -> {
          Instant start = Instant.now();
          cassandra.kill();
          say("kill -9 Cassandra; down " + down.toSeconds() + " s");
          Thread.sleep(down.toMillis()); // the fault's length
          cassandra.start();
          return new Fault(
              "cassandra", "kill -9, down " + down.toSeconds() + " s", start, Instant.now());
        });
  }

  /** Every node in turn: SIGTERM (drain, leave), start again, wait until the cluster is whole. */
  static Nemesis rolling() {
    return named(
        "rolling",
        cluster -> {
          Instant start = Instant.now();
          for (ChaosNode node : cluster.nodes) {
            say("rolling: restarting " + node);
            cluster.restart(node);
            cluster.restoreAll();
          }
          return new Fault("rolling", "SIGTERM and start, node by node", start, Instant.now());
        });
  }

  private static String indexes(List<ChaosNode> nodes) {
    return nodes.stream().map(n -> Integer.toString(n.index)).toList().toString();
  }

  interface Action {
    Fault run(ChaosCluster cluster) throws Exception;
  }

  private static Nemesis named(String name, Action action) {
    return new Nemesis() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Fault inflict(ChaosCluster cluster) throws Exception {
        return action.run(cluster);
      }
    };
  }
}
