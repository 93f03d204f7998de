package io.parley.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationEntity.EntryAppended;
import io.parley.conversation.ConversationEntity.Event;
import io.parley.conversation.ConversationId;
import io.parley.conversation.Replies;
import io.parley.node.ParleyConfig;
import io.parley.storage.CassandraSettings;
import io.parley.storage.Schema;
import io.parley.user.UserEntity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * Recovery benchmark (a program, not a test): the time from a conversation entity's passivation
 * to its first reply, for timelines of 10^3, 10^5 and 10^6 entries, with and without a
 * snapshot, on a real Cassandra. Results and the machine they came from: docs/benchmarks.md.
 *
 * <p>Run from the project root (its own Cassandra on 9242/7200, apart from the test node on
 * 9142 and the dev node on 9042):
 *
 * <pre>{@code
 * mvn -B -q -o compile
 * PARLEY_ROOT=$PWD bash -c 'source scripts/cassandra.sh && cassandra_start target/bench-cassandra 9242 7200'
 * java -Xms2g -Xmx2g -cp "target/classes:$(cat target/runtime.classpath)" \
 *   io.parley.bench.RecoveryBenchmark
 * PARLEY_ROOT=$PWD bash -c 'source scripts/cassandra.sh && cassandra_stop target/bench-cassandra'
 * }</pre>
 *
 * <p>System properties: {@code bench.cassandra} (host:port, default 127.0.0.1:9242),
 * {@code bench.sizes} (default 1000,100000,1000000; multiples of snapshot-every),
 * {@code bench.repeats} (cold starts measured per case, default 5), {@code bench.batch} (events
 * per seeding write, default 1000), {@code bench.warmup} (entries of the discarded warm-up round,
 * default 20000), {@code bench.out} (where the result table goes, default
 * target/recovery-benchmark.md), {@code bench.cassandra-pid-file} (tells Cassandra's CPU use
 * apart from other processes', default target/bench-cassandra/cassandra.pid),
 * {@code bench.quiet-cores} (default 0.25) and {@code bench.quiet-wait} (seconds, default 600):
 * each sample waits up to quiet-wait for other processes to use fewer cores than quiet-cores,
 * and a sample of 500 ms or more during which they used more is taken again (up to 5 times). Any
 * {@code parley.*} or {@code pekko.*} setting may be overridden with -D as well.
 *
 * <p>Per size N, on fresh conversations (ids unique per run):
 *
 * <ol>
 *   <li>Seeding: a small event-sourced behavior of this class writes N {@link EntryAppended}
 *       events under the conversation's own persistence id, {@code bench.batch} events per
 *       {@code persist(List)}. Each such list is one AtomicWrite, which the Cassandra plugin
 *       sends as one unlogged single-partition batch (max-message-batch-size only regroups
 *       separate AtomicWrites); batches never cross the plugin's target-partition-size, so rows
 *       land in the same partitions as one-at-a-time writes would put them.
 *   <li>No snapshot, snapshots off: the real {@link ConversationEntity}, with snapshot-every
 *       above N, is spawned on that id, asked {@code GetSummary} and stopped (passivation),
 *       {@code bench.repeats} times. The time is from the spawn request to the reply, which must
 *       say lastSeq = N. This is the pure replay of N events.
 *   <li>No snapshot, production settings: the same with parley.conversation.snapshot-every.
 *       Pekko stores a snapshot right after any recovery that replayed snapshot-every events or
 *       more, and replies only once it is stored; the benchmark checks that snapshot is there
 *       and deletes it after each sample, so that every sample starts without one.
 *   <li>Snapshot at N: another conversation is seeded with N - 1 events, then one real
 *       {@code Post} through the real entity makes seq N, where its own retention criteria
 *       (N being a multiple of snapshot-every) store a snapshot. Then the same cold starts: the
 *       entity loads the snapshot and replays nothing.
 *   <li>Snapshot plus the longest tail: snapshot-every - 1 more events are appended, so recovery
 *       loads the snapshot and replays the most events it ever replays with snapshots on.
 * </ol>
 *
 * <p>Before each sample the benchmark checks which snapshot is the latest, so each case is the
 * recovery it is named after.
 *
 * <p>The entity is spawned directly (stop = passivation) rather than through sharding, so the
 * times leave out the shard's routing, which is one local message on a single node. A warm-up
 * round of the same steps runs first and is discarded: a cold JVM measures about 30 % low.
 */
public final class RecoveryBenchmark {
  private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration CASSANDRA_QUIET_TIMEOUT = Duration.ofMinutes(5);
  /** Seeding writes in flight: one persisting, one waiting in the behavior's stash. */
  private static final int SEED_PIPELINE = 2;
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
  private static final Duration QUIET_WINDOW = Duration.ofSeconds(1);
  /** CPU time is counted in 10 ms ticks: only samples this long say reliably who used it. */
  private static final Duration MEASURABLE_CPU = Duration.ofMillis(500);
  private static final int MAX_ATTEMPTS = 5;
  /** About the size of a short chat message. */
  private static final JsonNode BODY =
      TextNode.valueOf(
          "Seeded by the recovery benchmark: a chat message of about one hundred characters, ok?");

  private final ActorSystem<Control> system;
  private final Config config;
  private final CqlSession cql;
  private final Options options;
  private final ClusterSharding sharding;
  private final ConversationEntity.Settings settings;
  private final long partitionSize;
  private final String runTag = Long.toString(System.currentTimeMillis(), 36);
  private final AtomicInteger names = new AtomicInteger();
  private final long cassandraPid;
  private int discarded;

  private RecoveryBenchmark(
      ActorSystem<Control> system, Config config, CqlSession cql, Options options) {
    this.system = system;
    this.config = config;
    this.cql = cql;
    this.options = options;
    this.sharding = ClusterSharding.get(system);
    this.settings = ConversationEntity.Settings.from(config);
    this.partitionSize =
        config.getLong("pekko.persistence.cassandra.journal.target-partition-size");
    this.cassandraPid = readPid(options.cassandraPidFile());
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.fromSystemProperties();
    Config config =
        ParleyConfig.load(
            ConfigFactory.parseMap(
                Map.of(
                    "parley.node.roles", "core",
                    "parley.node.remote-port", 0,
                    "parley.cassandra.contact-points", options.cassandra(),
                    "pekko.coordinated-shutdown.exit-jvm", "off")));
    CassandraSettings cassandra = CassandraSettings.from(config);
    Schema.apply(cassandra, config.getDuration("parley.cassandra.connect-timeout"));
    ActorSystem<Control> system = ActorSystem.create(guardian(), "parley-bench", config);
    int status = 0;
    try (CqlSession cql = connect(cassandra)) {
      new RecoveryBenchmark(system, config, cql, options).run();
    } catch (Exception | Error e) {
      e.printStackTrace();
      status = 1;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    System.exit(status);
  }

  private void run() throws Exception {
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    UserEntity.init(system, config.getInt("parley.user.snapshot-every"));
    for (long n : options.sizes()) {
      if (n < settings.snapshotEvery() || n % settings.snapshotEvery() != 0) {
        throw new IllegalArgumentException(
            "sizes must be multiples of snapshot-every (" + settings.snapshotEvery() + "): " + n);
      }
    }
    String machine = machine();
    System.out.println(machine);
    String loadAtStart = loadAverage();
    long warmup = roundToSnapshots(options.warmup());
    say("Warm-up round: N = %d (discarded)", warmup);
    runSize(warmup, "w");
    List<SizeResult> results = new ArrayList<>();
    for (long n : options.sizes()) {
      say("Size N = %d", n);
      results.add(runSize(n, ""));
    }
    String report =
        report(results, machine)
            + "Load average (1, 5, 15 min; other work on the box shows here): "
            + loadAtStart
            + " at the start, "
            + loadAverage()
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
    awaitCassandraQuiet();
    // Snapshots off: a pure replay of N events, the same every time.
    ConversationEntity.Settings snapshotsOff =
        ConversationEntity.Settings.from(
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
    Snapshot snapshot = awaitSnapshot(snapped, n);
    awaitCassandraQuiet();
    List<Sample> fromSnapshot = coldStarts(snapped, n, settings, "snapshot at " + n, n, false);

    long tail = every - 1;
    seed(snapped, n, tail);
    awaitCassandraQuiet();
    List<Sample> withTail =
        coldStarts(
            snapped, n + tail, settings, "snapshot at " + n + " + " + tail + " events", n, false);
    return new SizeResult(
        n, seeding, replayOnly, replayAndSnapshot, snapshot, fromSnapshot, tail, withTail);
  }

  /** A fresh direct conversation; user ids stay within [a-z0-9_.-]{3,32}. */
  private ConversationId conversation(String label) {
    String base = "rb" + runTag + "-" + label;
    return ConversationId.direct(base + "-a", base + "-b");
  }

  // ---- seeding -------------------------------------------------------------------------------

  record Seeding(long events, long nanos) {
    double perSecond() {
      return events * 1e9 / nanos;
    }
  }

  /** Appends {@code count} events after seq {@code after} under the conversation's id. */
  private Seeding seed(ConversationId conv, long after, long count) throws Exception {
    ActorRef<Seeder.Append> seeder = spawn(Seeder.create(conv), "seeder");
    long end = after + count;
    long start = System.nanoTime();
    long nextReport = start + PROGRESS_EVERY.toNanos();
    long next = after + 1;
    long done = after;
    Deque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
    while (next <= end || !inFlight.isEmpty()) {
      if (next <= end && inFlight.size() < SEED_PIPELINE) {
        // Never across a partition boundary: the plugin would put the whole batch in the later
        // partition, a layout one-at-a-time writes never make.
        long toBoundary = partitionSize - (next - 1) % partitionSize;
        int n = (int) Math.min(Math.min(options.batch(), end - next + 1), toBoundary);
        long first = next;
        inFlight.add(
            AskPattern.<Seeder.Append, Long>askWithStatus(
                    seeder, r -> new Seeder.Append(first, n, r), WRITE_TIMEOUT, system.scheduler())
                .toCompletableFuture());
        next += n;
        continue;
      }
      done = await(inFlight.poll(), WRITE_TIMEOUT);
      long now = System.nanoTime();
      if (now >= nextReport) {
        say(
            "  seeding %s: %d/%d events (%.0f events/s)",
            conv.value(), done - after, count, (done - after) * 1e9 / (now - start));
        nextReport = now + PROGRESS_EVERY.toNanos();
      }
    }
    long nanos = System.nanoTime() - start;
    stop(seeder);
    if (done != end) throw new IllegalStateException("seeded up to " + done + ", expected " + end);
    Seeding seeding = new Seeding(count, nanos);
    say(
        "  seeded %s: %d events in %.1f s (%.0f events/s), last seq %d",
        conv.value(), count, nanos / 1e9, seeding.perSecond(), done);
    return seeding;
  }

  /**
   * Writes timeline events exactly as {@link ConversationEntity} does (same persistence id, same
   * event class and serializer), but many per write. Recovery is disabled: it only needs the
   * journal's highest seq, never the timeline or the entity's snapshots (not its state type).
   */
  static final class Seeder extends EventSourcedBehavior<Seeder.Append, Event, Long> {
    /** Append {@code count} events, the first getting seq {@code first}; replies the last seq. */
    record Append(long first, int count, ActorRef<StatusReply<Long>> replyTo) {}

    private final ActorContext<Append> ctx;
    private final List<String> members;

    static Behavior<Append> create(ConversationId conv) {
      return Behaviors.setup(ctx -> new Seeder(ctx, conv));
    }

    private Seeder(ActorContext<Append> ctx, ConversationId conv) {
      super(ConversationEntity.persistenceId(conv.value()));
      this.ctx = ctx;
      this.members = conv.members();
    }

    @Override
    public Long emptyState() {
      return 0L;
    }

    @Override
    public Recovery recovery() {
      return Recovery.disabled();
    }

    @Override
    public CommandHandler<Append, Event, Long> commandHandler() {
      return newCommandHandlerBuilder().forAnyState().onCommand(Append.class, this::append).build();
    }

    private Effect<Event, Long> append(Long appended, Append cmd) {
      long next = lastSequenceNumber(ctx) + 1;
      if (cmd.first() != next) {
        cmd.replyTo().tell(StatusReply.error("next seq is " + next + ", not " + cmd.first()));
        return Effect().none();
      }
      long ts = System.currentTimeMillis();
      List<Event> events = new ArrayList<>(cmd.count());
      for (long seq = next; seq < next + cmd.count(); seq++) {
        String from = members.get((int) (seq % members.size()));
        events.add(new EntryAppended(from, "seed-" + seq, "text", BODY, ts));
      }
      return Effect()
          .persist(events)
          .thenRun(s -> cmd.replyTo().tell(StatusReply.success(lastSequenceNumber(ctx))));
    }

    @Override
    public EventHandler<Long, Event> eventHandler() {
      return newEventHandlerBuilder()
          .forAnyState()
          .onEvent(EntryAppended.class, (appended, e) -> appended + 1)
          .build();
    }
  }

  // ---- the real entity -----------------------------------------------------------------------

  /**
   * Spawn, first reply, stop: {@code repeats} times; the times in nanoseconds. Each sample first
   * checks that the latest snapshot is at {@code snapshotBefore} (0 = none), so that what is
   * measured is the recovery the label names. The box is shared: a sample starts once other
   * processes leave it alone, and a long one they disturbed anyway is taken again.
   */
  private List<Sample> coldStarts(
      ConversationId conv,
      long expectedLastSeq,
      ConversationEntity.Settings entitySettings,
      String label,
      long snapshotBefore,
      boolean deleteSnapshotAfter)
      throws Exception {
    List<Sample> kept = new ArrayList<>();
    for (int i = 1; i <= options.repeats(); i++) {
      for (int attempt = 1; ; attempt++) {
        awaitQuietBox();
        Sample sample =
            coldStart(conv, expectedLastSeq, entitySettings, snapshotBefore, deleteSnapshotAfter);
        boolean disturbed =
            sample.nanos() >= MEASURABLE_CPU.toNanos()
                && sample.cpu().others() > options.quietCores();
        String verdict =
            !disturbed ? "" : attempt < MAX_ATTEMPTS ? ", disturbed: taken again" : ", disturbed";
        say(
            "  %s, %s, cold start %d: %.1f ms (cores: app %.2f, Cassandra %.2f, others %.2f)%s",
            conv.value(), label, i, sample.nanos() / 1e6, sample.cpu().app(),
            sample.cpu().cassandra(), sample.cpu().others(), verdict);
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
      ConversationEntity.Settings entitySettings,
      long snapshotBefore,
      boolean deleteSnapshotAfter)
      throws Exception {
    long latest = latestSnapshot(conv).map(Snapshot::seq).orElse(0L);
    if (latest != snapshotBefore) {
      throw new IllegalStateException(
          conv.value() + ": latest snapshot at " + latest + ", expected " + snapshotBefore);
    }
    String member = conv.members().get(0);
    // Start each sample with the seeding and the previous incarnation's garbage gone.
    System.gc();
    CpuTicks cpuBefore = CpuTicks.now(cassandraPid);
    long start = System.nanoTime();
    ActorRef<ConversationEntity.Command> entity =
        spawn(ConversationEntity.create(conv.value(), entitySettings, sharding), "conversation");
    Replies.SummaryReply reply =
        await(
            AskPattern.<ConversationEntity.Command, Replies.SummaryReply>ask(
                entity,
                r -> new ConversationEntity.GetSummary(member, r),
                RECOVERY_TIMEOUT,
                system.scheduler()),
            RECOVERY_TIMEOUT);
    long nanos = System.nanoTime() - start;
    Sample sample = new Sample(nanos, CpuTicks.now(cassandraPid).minus(cpuBefore, nanos));
    stop(entity);
    if (!(reply instanceof Replies.Summary summary) || summary.lastSeq() != expectedLastSeq) {
      throw new IllegalStateException(
          conv.value() + ": expected lastSeq " + expectedLastSeq + ", got " + reply);
    }
    if (deleteSnapshotAfter) {
      long stored = latestSnapshot(conv).map(Snapshot::seq).orElse(0L);
      if (stored != expectedLastSeq) {
        throw new IllegalStateException(
            conv.value() + ": expected a post-recovery snapshot at " + expectedLastSeq
                + ", latest is at " + stored);
      }
      cql.execute(
          SimpleStatement.newInstance(
              "DELETE FROM pekko_snapshot.snapshots WHERE persistence_id = ?", pid(conv)));
    }
    return sample;
  }

  /**
   * Waits (up to bench.quiet-wait) until processes other than this JVM and Cassandra use less
   * than bench.quiet-cores for a whole second.
   */
  private void awaitQuietBox() {
    Instant deadline = Instant.now().plus(options.quietWait());
    Instant start = Instant.now();
    while (true) {
      CpuTicks before = CpuTicks.now(cassandraPid);
      long t0 = System.nanoTime();
      pause(QUIET_WINDOW);
      Cores cores = CpuTicks.now(cassandraPid).minus(before, System.nanoTime() - t0);
      if (cores.others() < options.quietCores()) break;
      if (Instant.now().isAfter(deadline)) {
        say("  the box stayed busy (others %.2f cores); measuring anyway", cores.others());
        break;
      }
    }
    long waited = Duration.between(start, Instant.now()).toSeconds();
    if (waited > 5) say("  waited %d s for other processes to leave the box alone", waited);
  }

  /** One real post through the real entity; at seq {@code n} its retention takes a snapshot. */
  private void postThroughEntity(ConversationId conv, long n) throws Exception {
    for (String user : conv.members()) {
      await(
          sharding
              .entityRefFor(UserEntity.ENTITY_KEY, user)
              .<UserEntity.RegisterReply>ask(
                  r -> new UserEntity.Register("bench-no-login", "bench", r), CONTROL_TIMEOUT),
          CONTROL_TIMEOUT);
    }
    ActorRef<ConversationEntity.Command> entity =
        spawn(ConversationEntity.create(conv.value(), settings, sharding), "conversation");
    Replies.PostReply reply =
        await(
            AskPattern.<ConversationEntity.Command, Replies.PostReply>ask(
                entity,
                r ->
                    new ConversationEntity.Post(
                        conv.members().get(0), "bench-post-" + n, "text", BODY, r),
                RECOVERY_TIMEOUT,
                system.scheduler()),
            RECOVERY_TIMEOUT);
    stop(entity);
    if (!(reply instanceof Replies.Posted posted) || posted.seq() != n) {
      throw new IllegalStateException(conv.value() + ": expected seq " + n + ", got " + reply);
    }
  }

  record Snapshot(long seq, int bytes) {}

  private static String pid(ConversationId conv) {
    return ConversationEntity.persistenceId(conv.value()).id();
  }

  /** The latest snapshot in the snapshot table (its clustering order is seq descending). */
  private Optional<Snapshot> latestSnapshot(ConversationId conv) {
    Row row =
        cql.execute(
                SimpleStatement.newInstance(
                    "SELECT sequence_nr, snapshot_data, snapshot FROM pekko_snapshot.snapshots"
                        + " WHERE persistence_id = ? LIMIT 1",
                    pid(conv)))
            .one();
    if (row == null) return Optional.empty();
    ByteBuffer data = row.getByteBuffer("snapshot_data");
    if (data == null) data = row.getByteBuffer("snapshot");
    int bytes = data == null ? 0 : data.remaining();
    return Optional.of(new Snapshot(row.getLong("sequence_nr"), bytes));
  }

  /** Waits for the snapshot at {@code seq}: the entity stores it after replying. */
  private Snapshot awaitSnapshot(ConversationId conv, long seq) {
    Instant deadline = Instant.now().plus(CONTROL_TIMEOUT);
    while (true) {
      Optional<Snapshot> latest = latestSnapshot(conv);
      if (latest.isPresent() && latest.get().seq() == seq) {
        say("  snapshot of %s at seq %d: %d bytes", conv.value(), seq, latest.get().bytes());
        return latest.get();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "no snapshot at " + seq + " for " + pid(conv) + ": " + latest);
      }
      pause();
    }
  }

  /**
   * Waits until Cassandra runs no compaction: seeding leaves some behind, and one running beside
   * a replay would measure the compaction, not the recovery.
   */
  private void awaitCassandraQuiet() {
    Instant start = Instant.now();
    Instant deadline = start.plus(CASSANDRA_QUIET_TIMEOUT);
    while (cql.execute("SELECT kind FROM system_views.sstable_tasks").one() != null) {
      if (Instant.now().isAfter(deadline)) {
        say("  Cassandra still compacting after %s; measuring anyway", CASSANDRA_QUIET_TIMEOUT);
        return;
      }
      pause();
    }
    long waited = Duration.between(start, Instant.now()).toMillis();
    if (waited > 0) say("  waited %d ms for Cassandra's compactions", waited);
  }

  private static void pause() {
    pause(Duration.ofMillis(500));
  }

  private static void pause(Duration duration) {
    try {
      // Polling an external server's or the box's state, not synchronising actors.
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- a guardian that spawns and stops entities on request ----------------------------------

  sealed interface Control {}

  record Spawn<T>(Behavior<T> behavior, String name, ActorRef<ActorRef<T>> replyTo)
      implements Control {}

  /** Stops a child; replies once it has terminated, so a next incarnation never overlaps it. */
  record Stop(ActorRef<?> child, ActorRef<Done> replyTo) implements Control {}

  static Behavior<Control> guardian() {
    return Behaviors.setup(
        ctx -> {
          Set<ActorRef<?>> alive = new HashSet<>();
          Map<ActorRef<?>, ActorRef<Done>> stopping = new HashMap<>();
          return Behaviors.receive(Control.class)
              .onMessage(
                  Control.class,
                  cmd -> {
                    if (cmd instanceof Spawn<?> spawn) {
                      alive.add(spawnChild(ctx, spawn));
                    } else if (cmd instanceof Stop stop) {
                      if (alive.contains(stop.child())) {
                        stopping.put(stop.child(), stop.replyTo());
                        ctx.stop(stop.child());
                      } else {
                        stop.replyTo().tell(Done.getInstance());
                      }
                    }
                    return Behaviors.same();
                  })
              .onSignal(
                  Terminated.class,
                  terminated -> {
                    alive.remove(terminated.getRef());
                    ActorRef<Done> waiting = stopping.remove(terminated.getRef());
                    if (waiting != null) waiting.tell(Done.getInstance());
                    else ctx.getLog().warn("{} stopped on its own", terminated.getRef());
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static <T> ActorRef<T> spawnChild(ActorContext<Control> ctx, Spawn<T> spawn) {
    ActorRef<T> child = ctx.spawn(spawn.behavior(), spawn.name());
    ctx.watch(child);
    spawn.replyTo().tell(child);
    return child;
  }

  private <T> ActorRef<T> spawn(Behavior<T> behavior, String prefix) throws Exception {
    String name = prefix + "-" + names.incrementAndGet();
    return await(
        AskPattern.<Control, ActorRef<T>>ask(
            system, r -> new Spawn<>(behavior, name, r), CONTROL_TIMEOUT, system.scheduler()),
        CONTROL_TIMEOUT);
  }

  private void stop(ActorRef<?> child) throws Exception {
    await(
        AskPattern.<Control, Done>ask(
            system, r -> new Stop(child, r), CONTROL_TIMEOUT, system.scheduler()),
        CONTROL_TIMEOUT);
  }

  /** Blocks the main thread only; no callback runs on the common pool (STACK.md). */
  private static <T> T await(CompletionStage<T> stage, Duration timeout) throws Exception {
    return stage.toCompletableFuture().get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
  }

  // ---- report --------------------------------------------------------------------------------

  record SizeResult(
      long n,
      Seeding seeding,
      List<Sample> replayOnly,
      List<Sample> replayAndSnapshot,
      Snapshot snapshot,
      List<Sample> fromSnapshot,
      long tail,
      List<Sample> withTail) {}

  private String report(List<SizeResult> results, String machine) {
    long every = settings.snapshotEvery();
    StringBuilder b = new StringBuilder();
    b.append("Cold start to first reply (GetSummary), ms: median / min of ")
        .append(options.repeats())
        .append(" cold starts; snapshot-every = ")
        .append(every)
        .append("; one serialized event = ")
        .append(eventBytes())
        .append(" bytes.\n\n");
    b.append("| entries N | no snapshot, snapshots off (replays N) |")
        .append(" no snapshot, snapshot-every ")
        .append(every)
        .append(" (replays N, stores a snapshot) | snapshot at N (replays 0) |")
        .append(" snapshot + longest tail (replays ")
        .append(every - 1)
        .append(") | replay rate, snapshots off | seeding rate |\n");
    b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (SizeResult r : results) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %,d | %s | %s | %s | %s | %,.0f events/s | %,.0f events/s |\n",
              r.n(),
              medianMin(r.replayOnly()),
              medianMin(r.replayAndSnapshot()),
              medianMin(r.fromSnapshot()),
              medianMin(r.withTail()),
              r.n() * 1e9 / median(r.replayOnly()),
              r.seeding().perSecond()));
    }
    b.append("\nEvery sample, ms, in order (the first of a row follows seeding most closely);")
        .append(" in brackets, for samples of 500 ms or more, the cores that other processes on")
        .append(" the box kept busy meanwhile (0.0 = the box was ours). Samples disturbed by")
        .append(" other processes and taken again: ")
        .append(discarded)
        .append(".\n\n");
    for (SizeResult r : results) {
      b.append(
          String.format(
              Locale.ROOT,
              "- N = %,d: snapshots off %s; snapshot-every %d %s; snapshot (%,d bytes) %s;"
                  + " snapshot + tail %s\n",
              r.n(),
              samples(r.replayOnly()),
              every,
              samples(r.replayAndSnapshot()),
              r.snapshot().bytes(),
              samples(r.fromSnapshot()),
              samples(r.withTail())));
    }
    b.append("\n").append(machine).append("\n");
    return b.toString();
  }

  private int eventBytes() {
    EntryAppended event = new EntryAppended("alice", "seed-1", "text", BODY, 0L);
    return SerializationExtension.get(Adapter.toClassic(system)).serialize(event).get().length;
  }

  private static String medianMin(List<Sample> samples) {
    return String.format(
        Locale.ROOT,
        "%s / %s",
        ms(median(samples)),
        ms(samples.stream().mapToLong(Sample::nanos).min().orElse(0)));
  }

  private static double median(List<Sample> samples) {
    long[] sorted = samples.stream().mapToLong(Sample::nanos).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
  }

  /**
   * Each time; for those long enough to tell, with the cores that processes other than the app
   * and Cassandra kept busy meanwhile.
   */
  private static String samples(List<Sample> samples) {
    return samples.stream()
        .map(
            x ->
                x.nanos() < MEASURABLE_CPU.toNanos()
                    ? ms(x.nanos())
                    : ms(x.nanos()) + String.format(Locale.ROOT, " (%.1f)", x.cpu().others()))
        .collect(Collectors.joining(", "));
  }

  private static String ms(double nanos) {
    double ms = nanos / 1e6;
    return ms >= 100
        ? String.format(Locale.ROOT, "%,.0f", ms)
        : String.format(Locale.ROOT, "%.1f", ms);
  }

  private String machine() {
    Runtime rt = Runtime.getRuntime();
    String cassandraVersion =
        cql.execute("SELECT release_version FROM system.local").one().getString(0);
    return String.format(
        Locale.ROOT,
        "Machine: %d cores (availableProcessors), %s, MemTotal %s; JDK %s (%s), heap max %d MiB;"
            + " Cassandra %s at %s; Parley and Cassandra on the same box.",
        rt.availableProcessors(),
        procLine("/proc/cpuinfo", "model name"),
        procLine("/proc/meminfo", "MemTotal"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.name"),
        rt.maxMemory() >> 20,
        cassandraVersion,
        options.cassandra());
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return String.join(" ", parts[0], parts[1], parts[2]);
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String procLine(String file, String key) {
    try {
      return Files.readAllLines(Path.of(file)).stream()
          .filter(line -> line.startsWith(key))
          .map(line -> line.substring(line.indexOf(':') + 1).strip())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Cassandra's pid, from the pid file scripts/cassandra.sh writes; 0 if there is none. */
  private static long readPid(String file) {
    try {
      return Long.parseLong(Files.readString(Path.of(file)).strip());
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
    System.out.flush();
  }

  // ---- CPU accounting: was the box ours while we measured? -----------------------------------

  /** One sample: time to first reply, and the cores in use meanwhile. */
  record Sample(long nanos, Cores cpu) {}

  /** Average cores busy during a sample: this JVM, Cassandra's JVM, everything else. */
  record Cores(double app, double cassandra, double others) {}

  /** Clock ticks (USER_HZ, 100 per second on Linux) of CPU time used so far. */
  record CpuTicks(long box, long app, long cassandra) {
    private static final double TICKS_PER_SECOND = 100;

    static CpuTicks now(long cassandraPid) {
      long cassandra = cassandraPid > 0 ? processTicks(Long.toString(cassandraPid)) : 0;
      return new CpuTicks(boxBusy(), processTicks("self"), cassandra);
    }

    Cores minus(CpuTicks before, long nanos) {
      double seconds = nanos / 1e9 * TICKS_PER_SECOND;
      double appCores = (app - before.app) / seconds;
      double cassandraCores = (cassandra - before.cassandra) / seconds;
      double boxCores = (box - before.box) / seconds;
      return new Cores(appCores, cassandraCores, Math.max(0, boxCores - appCores - cassandraCores));
    }

    /** user + nice + system + irq + softirq + steal of the first line of /proc/stat. */
    private static long boxBusy() {
      try {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) busy += Long.parseLong(f[i]);
        return busy;
      } catch (IOException | RuntimeException e) {
        return 0;
      }
    }

    /** utime + stime of /proc/PID/stat (fields 14 and 15, counted after the command's ')'). */
    private static long processTicks(String pid) {
      try {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException | RuntimeException e) {
        return 0;
      }
    }
  }

  // ---- options -------------------------------------------------------------------------------

  record Options(
      String cassandra,
      List<Long> sizes,
      int repeats,
      int batch,
      long warmup,
      String out,
      String cassandraPidFile,
      double quietCores,
      Duration quietWait) {
    static Options fromSystemProperties() {
      return new Options(
          System.getProperty("bench.cassandra", "127.0.0.1:9242"),
          Arrays.stream(System.getProperty("bench.sizes", "1000,100000,1000000").split(","))
              .map(String::strip)
              .map(Long::parseLong)
              .toList(),
          Integer.getInteger("bench.repeats", 5),
          Integer.getInteger("bench.batch", 1000),
          Long.getLong("bench.warmup", 20_000),
          System.getProperty("bench.out", "target/recovery-benchmark.md"),
          System.getProperty("bench.cassandra-pid-file", "target/bench-cassandra/cassandra.pid"),
          Double.parseDouble(System.getProperty("bench.quiet-cores", "0.25")),
          Duration.ofSeconds(Long.getLong("bench.quiet-wait", 600)));
    }
  }

  private static CqlSession connect(CassandraSettings cassandra) {
    DriverConfigLoader loader =
        DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .build();
    return CqlSession.builder()
        .withConfigLoader(loader)
        .addContactPoints(
            cassandra.contactPoints().stream().map(RecoveryBenchmark::address).toList())
        .withLocalDatacenter(cassandra.localDatacenter())
        .build();
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(
        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }
}
