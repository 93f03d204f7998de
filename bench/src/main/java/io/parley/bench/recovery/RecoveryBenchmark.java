package io.parley.bench.recovery;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.parley.bench.recovery.BoxCpu.Cores;
import io.parley.bench.recovery.BoxCpu.Sample;
import io.parley.bench.recovery.RecoveryReport.SizeResult;
import io.parley.bench.recovery.Seeder.Seeding;
import io.parley.bench.recovery.Snapshots.Snapshot;
import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationId;
import io.parley.conversation.ConversationSettings;
import io.parley.conversation.Replies;
import io.parley.conversation.Timeline;
import io.parley.node.ParleyConfig;
import io.parley.storage.CassandraSessions;
import io.parley.storage.CassandraSettings;
import io.parley.storage.Schema;
import io.parley.user.UserEntities;
import io.parley.user.UserEntity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * Recovery benchmark (a program, not a test): the time from a conversation entity's passivation to
 * its first reply, for timelines of 10^3, 10^5 and 10^6 entries, with and without a snapshot, on a
 * real Cassandra. Results and the machine they came from: docs/benchmarks.md. {@code
 * RecoveryBenchmarkTest} runs it on tiny timelines so that it keeps working.
 *
 * <p>Run from the project root (its own Cassandra on 9242/7200, apart from the test node on 9142
 * and the dev node on 9042):
 *
 * <pre>{@code
 * mvn -B -q -o -f reactor.xml -DskipTests package
 * PARLEY_ROOT=$PWD bash -c 'source scripts/cassandra.sh && cassandra_start target/bench-cassandra 9242 7200'
 * java -Xms2g -Xmx2g -cp "bench/target/classes:$(cat bench/target/runtime.classpath)" \
 *   io.parley.bench.recovery.RecoveryBenchmark
 * PARLEY_ROOT=$PWD bash -c 'source scripts/cassandra.sh && cassandra_stop target/bench-cassandra'
 * }</pre>
 *
 * <p>System properties: {@code bench.cassandra} (host:port, default 127.0.0.1:9242), {@code
 * bench.sizes} (default 1000,100000,1000000; multiples of snapshot-every), {@code bench.repeats}
 * (cold starts measured per case, default 5), {@code bench.batch} (events per seeding write,
 * default 1000), {@code bench.warmup} (entries of the discarded warm-up round, default 20000),
 * {@code bench.out} (where the result table goes, default target/recovery-benchmark.md), {@code
 * bench.cassandra-pid-file} (tells Cassandra's CPU use apart from other processes', default
 * target/bench-cassandra/cassandra.pid), {@code bench.quiet-cores} (default 0.25) and {@code
 * bench.quiet-wait} (seconds, default 600; 0 measures at once): each sample waits up to quiet-wait
 * for other processes to use fewer cores than quiet-cores, and a sample of 500 ms or more during
 * which they used more is taken again (up to 5 times); {@code bench.compaction-wait} (seconds,
 * default 300): how long a case waits for Cassandra's compactions to end before measuring. Any
 * {@code parley.*} or {@code pekko.*} setting may be overridden with -D as well. It encrypts at
 * rest as a node does, so it needs keys: {@code
 * -Dparley.at-rest.keys-file=data/at-rest-keys.properties} (any key file), or {@code
 * -Dparley.at-rest.required=off} to measure unencrypted rows.
 *
 * <p>Per size N, on fresh conversations (ids unique per run):
 *
 * <ol>
 *   <li>Seeding: {@link Seeder} writes N {@link Timeline.Posted} events under the conversation's
 *       own persistence id, {@code bench.batch} events per {@code persist(List)}. Each such list is
 *       one AtomicWrite, which the Cassandra plugin sends as one unlogged single-partition batch
 *       (max-message-batch-size only regroups separate AtomicWrites); batches never cross the
 *       plugin's target-partition-size, so rows land in the same partitions as one-at-a-time writes
 *       would put them.
 *   <li>No snapshot, snapshots off: the real {@link ConversationEntity}, with snapshot-every above
 *       N, is spawned on that id, asked {@code GetSummary} and stopped (passivation), {@code
 *       bench.repeats} times. The time is from the spawn request to the reply, which must say
 *       lastSeq = N. This is the pure replay of N events.
 *   <li>No snapshot, production settings: the same with parley.conversation.snapshot-every. Pekko
 *       stores a snapshot right after any recovery that replayed snapshot-every events or more, and
 *       replies only once it is stored; the benchmark checks that snapshot is there and deletes it
 *       after each sample, so that every sample starts without one.
 *   <li>Snapshot at N: another conversation is seeded with N - 1 events, then one real {@code Post}
 *       through the real entity makes seq N, where its own retention criteria (N being a multiple
 *       of snapshot-every) store a snapshot. Then the same cold starts: the entity loads the
 *       snapshot and replays nothing.
 *   <li>Snapshot plus the longest tail: snapshot-every - 1 more events are appended, so recovery
 *       loads the snapshot and replays the most events it ever replays with snapshots on.
 * </ol>
 *
 * <p>Before each sample the benchmark checks which snapshot is the latest, so each case is the
 * recovery it is named after.
 *
 * <p>The entity is spawned directly (stop = passivation) rather than through sharding, so the times
 * leave out the shard's routing, which is one local message on a single node. A warm-up round of
 * the same steps runs first and is discarded: a cold JVM measures about 30 % low.
 */
public final class RecoveryBenchmark {
  static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_ATTEMPTS = 5;

  /** About the size of a short chat message. */
  private static final JsonNode BODY =
      TextNode.valueOf(
          "Seeded by the recovery benchmark: a chat message of about one hundred characters, ok?");

  private final ActorSystem<Children.Control> system;
  private final Config config;
  private final CqlSession cql;
  private final Options options;
  private final Children children;
  private final Snapshots snapshots;
  private final BoxCpu box;
  private final ClusterSharding sharding;
  private final ConversationSettings settings;
  private final long partitionSize;
  private final String runTag = Long.toString(System.currentTimeMillis(), 36);
  private int discarded;

  private RecoveryBenchmark(
      ActorSystem<Children.Control> system, Config config, CqlSession cql, Options options) {
    this.system = system;
    this.config = config;
    this.cql = cql;
    this.options = options;
    this.children = new Children(system);
    this.snapshots = new Snapshots(cql);
    this.box = new BoxCpu(BoxCpu.readPid(options.cassandraPidFile()));
    this.sharding = ClusterSharding.get(system);
    this.settings = ConversationSettings.from(config);
    this.partitionSize =
        config.getLong("pekko.persistence.cassandra.journal.target-partition-size");
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(Options.fromSystemProperties(), ConfigFactory.empty()));
  }

  /** Runs the whole benchmark; 0 when every case recovered what it should, else 1. */
  static int run(Options options, Config overrides) throws Exception {
    Config config =
        ParleyConfig.load(
            overrides.withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "parley.node.roles",
                        "core",
                        "parley.node.remote-port",
                        0,
                        "parley.cassandra.contact-points",
                        options.cassandra(),
                        "pekko.coordinated-shutdown.exit-jvm",
                        "off"))));
    // Bad sizes are refused before anything starts or anything is written.
    long every = ConversationSettings.from(config).snapshotEvery();
    List<Long> bad = options.sizes().stream().filter(n -> n < every || n % every != 0).toList();
    if (!bad.isEmpty()) {
      System.err.println("bench.sizes must be multiples of snapshot-every (" + every + "): " + bad);
      return 1;
    }
    CassandraSettings cassandra = CassandraSettings.from(config);
    Schema.apply(cassandra, config.getDuration("parley.cassandra.connect-timeout"));
    ActorSystem<Children.Control> system =
        ActorSystem.create(Children.guardian(), "parley-recovery-bench", config);
    int status = 0;
    try (CqlSession cql =
        CassandraSessions.open(cassandra, config.getDuration("parley.cassandra.connect-timeout"))) {
      new RecoveryBenchmark(system, config, cql, options).measure();
    } catch (Exception | Error e) {
      e.printStackTrace();
      status = 1;
    } finally {
      system.terminate();
      system
          .getWhenTerminated()
          .toCompletableFuture()
          .get(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    return status;
  }

  private void measure() throws Exception {
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    UserEntities.init(
        system,
        config.getInt("parley.user.snapshot-every"),
        new io.parley.conversation.UserNotices(ClusterSharding.get(system)),
        io.parley.notifications.NotificationSink.DISABLED);
    String machine =
        RecoveryReport.machine(
            cql.execute("SELECT release_version FROM system.local").one().getString(0),
            options.cassandra());
    System.out.println(machine);
    String loadAtStart = RecoveryReport.loadAverage();
    long warmup = roundToSnapshots(options.warmup());
    say("Warm-up round: N = %d (discarded)", warmup);
    runSize(warmup, "w");
    List<SizeResult> results = new ArrayList<>();
    for (long n : options.sizes()) {
      say("Size N = %d", n);
      results.add(runSize(n, ""));
    }
    String report =
        RecoveryReport.render(
                results,
                settings.snapshotEvery(),
                options.repeats(),
                eventBytes(),
                discarded,
                machine)
            + "Load average (1, 5, 15 min; other work on the box shows here): "
            + loadAtStart
            + " at the start, "
            + RecoveryReport.loadAverage()
            + " at the end.\n";
    System.out.println();
    System.out.println(report);
    Path out = Path.of(options.out());
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report);
    say("Written to %s", out);
  }

  private long roundToSnapshots(long n) {
    long every = settings.snapshotEvery();
    return Math.max(every, n / every * every);
  }

  private SizeResult runSize(long n, String prefix) throws Exception {
    long every = settings.snapshotEvery();
    ConversationId plain = conversation(prefix + n + "p");
    Seeding seeding = seed(plain, 0, n);
    snapshots.awaitNoCompaction(options.compactionWait());
    // Snapshots off: a pure replay of N events, the same every time.
    ConversationSettings snapshotsOff =
        ConversationSettings.from(
            config.withValue(
                "parley.conversation.snapshot-every",
                ConfigValueFactory.fromAnyRef(Integer.MAX_VALUE)));
    List<Sample> replayOnly =
        coldStarts(plain, n, snapshotsOff, "no snapshot, snapshots off", 0, false);
    // Production settings on a timeline without a snapshot: Pekko stores a snapshot right after
    // a recovery that replayed snapshot-every events or more, and replies only once it is stored.
    // Deleting that snapshot after each sample keeps the case repeatable.
    List<Sample> replayAndSnapshot =
        coldStarts(plain, n, settings, "no snapshot, snapshot-every " + every, 0, true);

    ConversationId snapped = conversation(prefix + n + "s");
    seed(snapped, 0, n - 1);
    postThroughEntity(snapped, n);
    Snapshot snapshot = snapshots.await(snapped, n);
    snapshots.awaitNoCompaction(options.compactionWait());
    List<Sample> fromSnapshot = coldStarts(snapped, n, settings, "snapshot at " + n, n, false);

    long tail = every - 1;
    seed(snapped, n, tail);
    snapshots.awaitNoCompaction(options.compactionWait());
    List<Sample> withTail =
        coldStarts(
            snapped, n + tail, settings, "snapshot at " + n + " + " + tail + " events", n, false);
    return new SizeResult(
        n, seeding, replayOnly, replayAndSnapshot, snapshot, fromSnapshot, tail, withTail);
  }

  private Seeding seed(ConversationId conv, long after, long count) throws Exception {
    return Seeder.seed(children, system, conv, BODY, after, count, options.batch(), partitionSize);
  }

  /** A fresh direct conversation; user ids stay within [a-z0-9_.-]{3,32}. */
  private ConversationId conversation(String label) {
    String base = "rb" + runTag + "-" + label;
    return ConversationId.direct(base + "-a", base + "-b");
  }

  /**
   * Spawn, first reply, stop: {@code repeats} times; the times in nanoseconds. Each sample first
   * checks that the latest snapshot is at {@code snapshotBefore} (0 = none), so that what is
   * measured is the recovery the label names. The box is shared: a sample starts once other
   * processes leave it alone, and a long one they disturbed anyway is taken again.
   */
  private List<Sample> coldStarts(
      ConversationId conv,
      long expectedLastSeq,
      ConversationSettings entitySettings,
      String label,
      long snapshotBefore,
      boolean deleteSnapshotAfter)
      throws Exception {
    List<Sample> kept = new ArrayList<>();
    for (int i = 1; i <= options.repeats(); i++) {
      for (int attempt = 1; ; attempt++) {
        box.awaitQuiet(options.quietCores(), options.quietWait());
        Sample sample =
            coldStart(conv, expectedLastSeq, entitySettings, snapshotBefore, deleteSnapshotAfter);
        Cores cpu = sample.cpu();
        boolean disturbed =
            sample.nanos() >= BoxCpu.MEASURABLE.toNanos() && cpu.others() > options.quietCores();
        String verdict =
            !disturbed ? "" : attempt < MAX_ATTEMPTS ? ", disturbed: taken again" : ", disturbed";
        say(
            "  %s, %s, cold start %d: %.1f ms (cores: app %.2f, Cassandra %.2f, others %.2f)%s",
            conv.value(),
            label,
            i,
            sample.nanos() / 1e6,
            cpu.app(),
            cpu.cassandra(),
            cpu.others(),
            verdict);
        if (!disturbed || attempt >= MAX_ATTEMPTS) {
          kept.add(sample);
          break;
        }
        discarded++;
      }
    }
    return kept;
  }

  private Sample coldStart(
      ConversationId conv,
      long expectedLastSeq,
      ConversationSettings entitySettings,
      long snapshotBefore,
      boolean deleteSnapshotAfter)
      throws Exception {
    long latest = snapshots.latestSeq(conv);
    if (latest != snapshotBefore) {
      throw new IllegalStateException(
          conv.value() + ": latest snapshot at " + latest + ", expected " + snapshotBefore);
    }
    String member = conv.members().get(0);
    // Start each sample with the seeding and the previous incarnation's garbage gone.
    System.gc();
    BoxCpu.Ticks cpuBefore = box.now();
    long start = System.nanoTime();
    ActorRef<ConversationEntity.Command> entity =
        children.spawn(
            ConversationEntity.create(conv.value(), entitySettings, sharding), "conversation");
    Replies.SummaryReply reply =
        ask(
            entity,
            (ActorRef<Replies.SummaryReply> r) -> new ConversationEntity.GetSummary(member, r));
    long nanos = System.nanoTime() - start;
    Sample sample = new Sample(nanos, box.now().minus(cpuBefore, nanos));
    children.stop(entity);
    if (!(reply instanceof Replies.Summary summary) || summary.lastSeq() != expectedLastSeq) {
      throw new IllegalStateException(
          conv.value() + ": expected lastSeq " + expectedLastSeq + ", got " + reply);
    }
    if (deleteSnapshotAfter) {
      long stored = snapshots.latestSeq(conv);
      if (stored != expectedLastSeq) {
        throw new IllegalStateException(
            conv.value()
                + ": expected a post-recovery snapshot at "
                + expectedLastSeq
                + ", latest is at "
                + stored);
      }
      snapshots.deleteAll(conv);
    }
    return sample;
  }

  /** One real post through the real entity; at seq {@code n} its retention takes a snapshot. */
  private void postThroughEntity(ConversationId conv, long n) throws Exception {
    for (String user : conv.members()) {
      Children.await(
          sharding
              .entityRefFor(UserEntity.ENTITY_KEY, user)
              .<UserEntity.RegisterReply>ask(
                  r -> new UserEntity.Register("bench-no-login", "bench", r),
                  Children.CONTROL_TIMEOUT),
          Children.CONTROL_TIMEOUT);
    }
    ActorRef<ConversationEntity.Command> entity =
        children.spawn(ConversationEntity.create(conv.value(), settings, sharding), "conversation");
    Replies.PostReply reply =
        ask(
            entity,
            (ActorRef<Replies.PostReply> r) ->
                new ConversationEntity.Post(
                    conv.members().get(0), "bench-post-" + n, "text", BODY, r));
    children.stop(entity);
    if (!(reply instanceof Replies.Posted posted) || posted.seq() != n) {
      throw new IllegalStateException(conv.value() + ": expected seq " + n + ", got " + reply);
    }
  }

  /** Asks the entity and waits; a recovery of a million events takes well under the timeout. */
  private <R> R ask(
      ActorRef<ConversationEntity.Command> entity,
      org.apache.pekko.japi.function.Function<ActorRef<R>, ConversationEntity.Command> command)
      throws Exception {
    return Children.await(
        AskPattern.ask(entity, command, RECOVERY_TIMEOUT, system.scheduler()), RECOVERY_TIMEOUT);
  }

  private int eventBytes() {
    Timeline.Posted event = new Timeline.Posted("alice", "seed-1", BODY, 0L);
    return SerializationExtension.get(Adapter.toClassic(system)).serialize(event).get().length;
  }

  static void say(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
    System.out.flush();
  }

  static void pause(Duration duration) {
    try {
      // Polling an external server's or the box's state, not synchronising actors.
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
