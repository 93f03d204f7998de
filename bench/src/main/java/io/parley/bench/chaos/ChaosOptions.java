package io.parley.bench.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The chaos runner's command line (./parley chaos --help). */
final class ChaosOptions {
  static final List<String> NEMESES =
      List.of("kill-core", "pause", "partition-one", "partition-halves", "cassandra", "rolling");

  String topology = "shared";
  List<String> nemeses = new ArrayList<>(NEMESES);
  int randomFaults = 0;
  int conversations = 100;
  double rate = 0.5;
  int devices = 2;
  Duration warmUp = Duration.ofSeconds(10);
  Duration quiet = Duration.ofSeconds(15);
  Duration hold = Duration.ofSeconds(30);
  Duration down = Duration.ofSeconds(20);
  Duration pause = Duration.ofSeconds(10);
  String netns = "auto";
  String cassandra; // host:port of a Cassandra the runner did not start; null: start one
  String username = "parley";
  String password = "parley-dev";
  Path out = Path.of("target", "chaos");
  Path root = Path.of(".");
  boolean unsafeAckBeforePersist;
  boolean keepCassandra;
  long seed = 26;

  static String usage() {
    return String.join(
        "\n",
        "Usage: ./parley chaos [OPTIONS]",
        "Runs 3 Parley nodes and Cassandra on this machine, puts the users' shape of load through",
        "the edge nodes, inflicts each fault in turn and checks the invariants after each",
        "(docs/reliability.md). Exit status: 0 all clean, 1 an invariant broke, 3 every invariant",
        "held but a conversation took over 12 s to take sends again, 2 the run could not go on.",
        "Options:",
        "  --topology shared|split   3 edge+core nodes (default), or 2 core + 1 edge",
        "  --nemesis LIST            comma-separated, from " + String.join(",", NEMESES),
        "                            (default: all, in that order)",
        "  --random N                then N faults drawn at random (seeded)",
        "  --conversations N         direct conversations under load (default 100)",
        "  --rate R                  sends per second per conversation (default 0.5)",
        "  --devices N               devices per user, each acking what it gets (default 2)",
        "  --hold S                  seconds a partition lasts (default 30)",
        "  --down S                  seconds a killed node or Cassandra stays down (default 20)",
        "  --pause S                 seconds a node stays frozen by SIGSTOP (default 10)",
        "  --quiet S                 seconds of load after each fault before the check (15)",
        "  --netns auto|on|off       run nodes in network namespaces (needed for partitions;",
        "                            auto: if this machine allows it)",
        "  --cassandra HOST:PORT     use this Cassandra (not restarted: no cassandra nemesis)",
        "  --keep-cassandra          leave the Cassandra it started running (a next run reuses it)",
        "  --out DIR                 logs and report (default target/chaos)",
        "  --seed N                  for the random schedule",
        "  --unsafe-ack-before-persist  nodes ack sends before storing them: the checker must",
        "                            fail (proves it can)");
  }

  static ChaosOptions parse(String... args) {
    ChaosOptions o = new ChaosOptions();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--unsafe-ack-before-persist")) {
        o.unsafeAckBeforePersist = true;
        continue;
      }
      if (a.equals("--keep-cassandra")) {
        o.keepCassandra = true;
        continue;
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
      String v = args[++i];
      switch (a) {
        case "--topology" -> o.topology = oneOf(v, "shared", "split");
        case "--nemesis" -> o.nemeses = nemeses(v);
        case "--random" -> o.randomFaults = Integer.parseInt(v);
        case "--conversations" -> o.conversations = Integer.parseInt(v);
        case "--rate" -> o.rate = Double.parseDouble(v);
        case "--devices" -> o.devices = Integer.parseInt(v);
        case "--hold" -> o.hold = Duration.ofSeconds(Long.parseLong(v));
        case "--down" -> o.down = Duration.ofSeconds(Long.parseLong(v));
        case "--pause" -> o.pause = Duration.ofSeconds(Long.parseLong(v));
        case "--quiet" -> o.quiet = Duration.ofSeconds(Long.parseLong(v));
        case "--warm-up" -> o.warmUp = Duration.ofSeconds(Long.parseLong(v));
        case "--netns" -> o.netns = oneOf(v, "auto", "on", "off");
        case "--cassandra" -> o.cassandra = v;
        case "--username" -> o.username = v;
        case "--password" -> o.password = v;
        case "--out" -> o.out = Path.of(v);
        case "--root" -> o.root = Path.of(v);
        case "--seed" -> o.seed = Long.parseLong(v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    return o;
  }

  private static List<String> nemeses(String list) {
    List<String> chosen = new ArrayList<>();
    for (String n : list.split(",")) {
      if (n.isBlank()) continue;
      if (!NEMESES.contains(n.strip())) {
        throw new IllegalArgumentException("unknown nemesis " + n + "; known: " + NEMESES);
      }
      chosen.add(n.strip());
    }
    return chosen;
  }

  private static String oneOf(String v, String... allowed) {
    if (!List.of(allowed).contains(v)) {
      throw new IllegalArgumentException(v + " is not one of " + List.of(allowed));
    }
    return v;
  }
}
