package io.parley.bench.chaos;

import static io.parley.bench.chaos.ChaosCluster.say;

import io.parley.bench.Progress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One chaos run: Cassandra and three nodes up, then per fault a fresh load of the users' shape, the
 * fault, a quiet spell, and the invariants checked from the clients' records and the journal.
 */
final class ChaosRun {
  // Apart per mode: a netns run's Cassandra kept with --keep-cassandra (JMX on localhost at
  // CQL + 1000) must not stop the suite's short form from starting its own.
  static final int CQL_PORT = 9242;
  static final int STORAGE_PORT = 7200;
  static final int LOOPBACK_CQL_PORT = 9342;
  static final int LOOPBACK_STORAGE_PORT = 7300;
  private static final Duration RETRY_FOR = Duration.ofSeconds(90);
  private static final Duration SETTLE = Duration.ofSeconds(90);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

  private final ChaosOptions o;
  private final Path dir;

  ChaosRun(ChaosOptions options) {
    this.o = options;
    this.dir =
        options.out.resolve(
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }

  ChaosReport run() throws Exception {
    Files.createDirectories(dir);
    Netns net = network();
    String cassandraHost = net != null ? Netns.HOST_ADDRESS : "127.0.0.1";
    ChaosCassandra cassandra = null;
    String contactPoint = o.cassandra;
    try {
      if (contactPoint == null) {
        String mode = net != null ? "netns" : "loopback";
        cassandra =
            new ChaosCassandra(
                o.root.toAbsolutePath(),
                cassandraDir(o.root, mode),
                cassandraHost,
                net != null ? CQL_PORT : LOOPBACK_CQL_PORT,
                net != null ? STORAGE_PORT : LOOPBACK_STORAGE_PORT);
        cassandra.start();
        contactPoint = cassandra.contactPoint();
      }
      ChaosReport report = new ChaosReport(dir, o, net != null);
      try (ChaosCluster cluster = cluster(net, contactPoint)) {
        say("starting " + cluster.nodes.size() + " nodes (" + o.topology + "), logs in " + dir);
        cluster.startAll();
        int phase = 0;
        for (Nemesis nemesis : schedule(net, cassandra)) {
          report.add(phase(cluster, nemesis, contactPoint, ++phase));
          report.write();
        }
      }
      report.write();
      report.print(System.out);
      return report;
    } finally {
      if (cassandra != null && !o.keepCassandra) cassandra.stop();
      if (net != null) net.close();
    }
  }

  private ChaosReport.Row phase(
      ChaosCluster cluster, Nemesis nemesis, String contactPoint, int phase) throws Exception {
    say("=== " + phase + ": " + nemesis.name() + " ===");
    String runId =
        "c" + Long.toString(System.currentTimeMillis() / 1000 % 1_000_000_000L, 36) + phase;
    FaultLoad.Settings settings =
        new FaultLoad.Settings(
            cluster.edges(), o.conversations, o.rate, o.devices, RETRY_FOR, runId, o.seed + phase);
    try (FaultLoad load = new FaultLoad(settings, System.out)) {
      load.start();
      Progress progress =
          Progress.every(PROGRESS_EVERY, () -> say("load: " + load.liveStats().line()));
      Nemesis.Fault fault;
      try {
        Thread.sleep(o.warmUp.toMillis()); // load before the fault, by design
        fault = nemesis.inflict(cluster);
        cluster.restoreAll();
        say("cluster whole again; " + o.quiet.toSeconds() + " s of load before the check");
        Thread.sleep(o.quiet.toMillis()); // load after the fault, by design
      } finally {
        progress.stop();
      }
      Records records = load.finish(SETTLE);
      // Users' journals too: a user entity is a single writer of its own as much as a
      // conversation is.
      List<String> ids = new ArrayList<>(records.persistenceIds());
      ids.addAll(records.userPersistenceIds());
      JournalRows journal =
          JournalRows.read(new CassandraLogin(contactPoint, o.username, o.password), ids);
      Verdict verdict = Invariants.check(records, journal);
      RecoveryTimes recovery = records.recoveryAfter(fault.end());
      say(nemesis.name() + ": " + verdict.summary());
      say(nemesis.name() + ": writable again " + recovery.summary());
      return new ChaosReport.Row(
          fault, verdict, recovery, records.recoveryAfter(fault.start()), load.liveStats());
    }
  }

  /** Where the runner's own Cassandra keeps its data: one per address it listens on. */
  static Path cassandraDir(Path root, String mode) {
    return root.toAbsolutePath().resolve("data/chaos/cassandra-" + mode);
  }

  private List<Nemesis> schedule(Netns net, ChaosCassandra cassandra) {
    Map<String, Nemesis> known = new HashMap<>();
    known.put("kill-core", Nemeses.killCore(o.down));
    known.put("pause", Nemeses.pause(o.pause));
    known.put("rolling", Nemeses.rolling());
    if (net != null) {
      known.put("partition-one", Nemeses.partitionOne(o.hold));
      known.put("partition-halves", Nemeses.partitionHalves(o.hold));
    }
    if (cassandra != null) known.put("cassandra", Nemeses.cassandra(cassandra, o.down));
    List<Nemesis> chosen = new ArrayList<>();
    for (String name : o.nemeses) {
      if (known.containsKey(name)) chosen.add(known.get(name));
      else
        say(
            "skipping "
                + name
                + ": "
                + (name.startsWith("partition")
                    ? "no network namespaces"
                    : "the runner did not start this Cassandra (--cassandra)"));
    }
    List<Nemesis> pool = new ArrayList<>(known.values());
    pool.sort(java.util.Comparator.comparing(Nemesis::name));
    Random random = new Random(o.seed);
    for (int i = 0; i < o.randomFaults; i++) chosen.add(pool.get(random.nextInt(pool.size())));
    return chosen;
  }

  private Netns network() throws Exception {
    if (o.netns.equals("off")) return null;
    String why = Netns.unavailable();
    if (why != null) {
      if (o.netns.equals("on")) throw new IllegalStateException("no network namespaces: " + why);
      say(
          "network namespaces are not available here ("
              + why
              + "): the partition nemeses are"
              + " skipped; run as root on Linux with iproute2 for them");
      return null;
    }
    return Netns.create(3);
  }

  private ChaosCluster cluster(Netns net, String contactPoint) throws Exception {
    List<ChaosNode> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String roles = o.topology.equals("split") ? (i < 2 ? "core" : "edge") : "edge,core";
      String host = net != null ? Netns.address(i) : "127.0.0.1";
      nodes.add(new ChaosNode(i, roles, host, net != null, dir));
    }
    Map<String, String> env = new HashMap<>();
    // Every node a seed: a restarted node 0 then joins the others instead of founding a second
    // cluster of its own, as the only seed of a list would.
    env.put("PARLEY_SEED_NODES", String.join(",", nodes.stream().map(ChaosNode::artery).toList()));
    env.put("PARLEY_CASSANDRA_CONTACT_POINTS", contactPoint);
    env.put("PARLEY_CASSANDRA_USERNAME", o.username);
    env.put("PARLEY_CASSANDRA_PASSWORD", o.password);
    env.put("PARLEY_TOKEN_SECRET", secret(48));
    // Every load client comes from this one address: the REST budgets per address, sized for
    // people behind one NAT, would hold the set-up of hundreds of users for minutes.
    for (String budget : List.of("REST", "LOGIN", "REGISTER")) {
      env.put("PARLEY_" + budget + "_RATE", "100000");
      env.put("PARLEY_" + budget + "_BURST", "100000");
    }
    Path keys = dir.resolve("at-rest-keys.properties");
    Files.writeString(
        keys, "key.chaos = " + secret(32) + "\nactive = chaos\n", StandardCharsets.UTF_8);
    env.put("PARLEY_AT_REST_KEYS_FILE", keys.toString());
    List<String> jvm =
        new ArrayList<>(
            List.of("-XX:+UseParallelGC", "-Xms256m", "-Xmx1g", "-XX:ActiveProcessorCount=2"));
    if (o.unsafeAckBeforePersist) jvm.add("-Dparley.unsafe.ack-before-persist=on");
    String classpath =
        System.getProperty("parley.chaos.classpath", System.getProperty("java.class.path"));
    return new ChaosCluster(nodes, net, env, jvm, classpath);
  }

  private static String secret(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }
}
