package io.parley.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.parley.CborSerializable;
import io.parley.node.ParleyConfig;
import io.parley.storage.CassandraSettings;
import io.parley.storage.Schema;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * The ceiling Parley's end-to-end rate is compared with: the bare persist-and-reply rate of a
 * minimal sharded {@link EventSourcedBehavior} on the same Cassandra, in this JVM, in an actor
 * system of its own (events-by-tag off, one ~200 B event per command, {@code --entities} entities,
 * {@code --outstanding} commands in flight, closed loop). No sockets, no codec, no fan-out: what is
 * left is Pekko Persistence and Cassandra. Its entities write to Parley's journal table under their
 * own persistence ids ({@code BenchCeiling|<run>-<n>}).
 */
final class Ceiling {
  private static final String PAYLOAD = "c".repeat(200);

  private final Options o;
  private final PrintStream out;

  Ceiling(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
  }

  public record Happened(String payload) implements CborSerializable {}

  record Persist(long sentNanos, ActorRef<Ack> replyTo) {}

  sealed interface DriverMsg {}

  record Ack(long sentNanos) implements DriverMsg {}

  enum Stop implements DriverMsg {
    INSTANCE
  }

  /** The measured rate; written as the run's JSON and folded into a load run's report. */
  record Result(double eventsPerSecond, Latencies.Summary latency, Map<String, Object> resources) {}

  int run() throws Exception {
    String started = Instant.now().toString();
    Result r = measure();
    Map<String, Object> report = Report.header("ceiling", o.label(), started);
    report.put("journal", o.journal());
    report.put("cassandra", o.cassandra());
    report.put("entities", o.entities());
    report.put("outstanding", o.outstanding());
    report.put("events_per_s", StepResult.round(r.eventsPerSecond()));
    report.put("persist_to_reply_ms", r.latency());
    report.put("resources", r.resources());
    out.println("JSON:  " + Report.writeJson(o.out(), Report.fileName("ceiling"), report));
    return 0;
  }

  Result measure() throws Exception {
    try (Stack stack = Stack.start(o)) {
      ActorSystem<Void> system = stack.system();
      EntityRef<Persist>[] entities = stack.entities();
      Latencies latency = new Latencies();
      Window window = Window.startingAt(System.nanoTime(), o.warmupSec(), o.durationSec());
      long[] inWindow = {0};
      CompletableFuture<Long> done = new CompletableFuture<>();
      Usage usage = new Usage(java.net.http.HttpClient.newHttpClient(), o);
      out.printf(
          Locale.ROOT,
          "Ceiling: %d entities, %d in flight, journal %s, %d s warm-up + %d s measured ...%n",
          o.entities(),
          o.outstanding(),
          o.journal(),
          o.warmupSec(),
          o.durationSec());
      ActorRef<DriverMsg> driver =
          system.systemActorOf(
              driver(entities, latency, window, inWindow, done),
              "ceiling-driver",
              org.apache.pekko.actor.typed.Props.empty());
      Progress progress =
          Progress.start(
              () -> {
                if (!o.quiet()) {
                  double p99 = latency.drainP99Ms();
                  out.printf(
                      Locale.ROOT,
                      "[%4ds] %d persisted in the window so far, p99 %.1f ms%n",
                      (System.nanoTime() - window.start()) / 1_000_000_000L,
                      inWindow[0],
                      Double.isNaN(p99) ? 0 : p99);
                }
              });
      Thread.sleep(Math.max(0, (window.measuredFrom() - System.nanoTime()) / 1_000_000));
      usage.start();
      done.get(o.warmupSec() + o.durationSec() + 120L, TimeUnit.SECONDS);
      Map<String, Object> resources = usage.stop();
      progress.stop();
      driver.tell(Stop.INSTANCE);
      double rate = inWindow[0] / (double) o.durationSec();
      Latencies.Summary summary = Latencies.Summary.of(latency.total());
      out.printf(
          Locale.ROOT,
          "Ceiling: %.0f events/s persisted and replied, p50 %.1f ms, p99 %.1f ms, max %.1f ms; cores: this JVM %s, cassandra %s%n",
          rate,
          summary.p50(),
          summary.p99(),
          summary.max(),
          resources.get("bench_cores"),
          resources.get("cassandra_cores"));
      return new Result(rate, summary, resources);
    }
  }

  /**
   * What both ceilings measure on: an actor system of its own (a one-node cluster on the journal
   * {@code --journal} names) and {@code --entities} entities, whose first write is already done.
   */
  record Stack(ActorSystem<Void> system, EntityRef<Persist>[] entities) implements AutoCloseable {
    static Stack start(Options o) throws Exception {
      Config parley =
          ParleyConfig.load(
              ConfigFactory.parseMap(Map.of("parley.cassandra.contact-points", o.cassandra())));
      // How long Parley waits for Cassandra, for the schema and for the first write alike.
      Duration timeout = parley.getDuration("parley.cassandra.connect-timeout");
      if (!"inmem".equals(o.journal())) {
        // A Cassandra no node has used yet has no journal table; create Parley's (idempotent).
        Schema.apply(CassandraSettings.from(parley), timeout);
      }
      ActorSystem<Void> system =
          ActorSystem.create(Behaviors.empty(), "parley-ceiling", config(o, parley));
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      Stack stack = new Stack(system, shardedEntities(system, o.entities()));
      try {
        stack.firstWrite(timeout, o.cassandra());
      } catch (Exception e) {
        stack.close();
        throw e;
      }
      return stack;
    }

    /** One command first, so a journal that cannot write fails the run here, not 100,000 times. */
    private void firstWrite(Duration timeout, String cassandra) throws Exception {
      try {
        entities[0]
            .<Ack>ask(replyTo -> new Persist(System.nanoTime(), replyTo), timeout)
            .toCompletableFuture()
            .get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "the first command was not persisted within "
                + timeout.toSeconds()
                + " s (see the journal errors above): is Cassandra up at "
                + cassandra
                + " (--cassandra HOST:PORT)?",
            e.getCause());
      }
    }

    @Override
    public void close() throws Exception {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /** {@code count} sharded entities under persistence ids new to this run. */
  private static EntityRef<Persist>[] shardedEntities(ActorSystem<Void> system, int count) {
    String run = Users.runPrefix();
    EntityTypeKey<Persist> key = EntityTypeKey.create(Persist.class, "BenchCeiling");
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(
            key, ctx -> entity(PersistenceId.of("BenchCeiling", run + "-" + ctx.getEntityId()))));
    @SuppressWarnings("unchecked")
    EntityRef<Persist>[] entities = new EntityRef[count];
    for (int i = 0; i < entities.length; i++)
      entities[i] = sharding.entityRefFor(key, Integer.toString(i));
    return entities;
  }

  private static Behavior<Persist> entity(PersistenceId id) {
    return new EventSourcedBehavior<Persist, Happened, Long>(id) {
      @Override
      public Long emptyState() {
        return 0L;
      }

      @Override
      public CommandHandler<Persist, Happened, Long> commandHandler() {
        return newCommandHandlerBuilder()
            .forAnyState()
            .onCommand(
                Persist.class,
                cmd ->
                    Effect()
                        .persist(new Happened(PAYLOAD))
                        .thenReply(cmd.replyTo(), s -> new Ack(cmd.sentNanos())))
            .build();
      }

      @Override
      public EventHandler<Long, Happened> eventHandler() {
        return newEventHandlerBuilder()
            .forAnyState()
            .onEvent(Happened.class, (s, e) -> s + 1)
            .build();
      }
    };
  }

  /**
   * Keeps {@code outstanding} commands in flight, each reply sending the next, until the window
   * ends.
   */
  private Behavior<DriverMsg> driver(
      EntityRef<Persist>[] entities,
      Latencies latency,
      Window window,
      long[] inWindow,
      CompletableFuture<Long> done) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<Ack> self = ctx.getSelf().narrow();
          java.util.SplittableRandom random = new java.util.SplittableRandom(42);
          for (int i = 0; i < o.outstanding(); i++) {
            entities[random.nextInt(entities.length)].tell(new Persist(System.nanoTime(), self));
          }
          int[] inFlight = {o.outstanding()};
          return Behaviors.receive(DriverMsg.class)
              .onMessage(
                  Ack.class,
                  ack -> {
                    long now = System.nanoTime();
                    inFlight[0]--;
                    if (window.measures(now)) {
                      inWindow[0]++;
                      latency.record(now - ack.sentNanos());
                    }
                    if (now < window.measuredUntil()) {
                      entities[random.nextInt(entities.length)].tell(new Persist(now, self));
                      inFlight[0]++;
                    } else if (inFlight[0] == 0) {
                      done.complete(inWindow[0]);
                    }
                    return Behaviors.same();
                  })
              .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
              .build();
        });
  }

  /** The stack's own settings, with the journal's login and TLS from {@code parley}. */
  private static Config config(Options o, Config parley) {
    boolean inmem = "inmem".equals(o.journal());
    String settings =
        String.join(
            "\n",
            "pekko.loglevel = WARNING",
            "pekko.actor.provider = cluster",
            "pekko.remote.artery.canonical.hostname = 127.0.0.1",
            "pekko.remote.artery.canonical.port = 0",
            "pekko.cluster.jmx.enabled = off",
            "pekko.actor.serialization-bindings { \"io.parley.CborSerializable\" = jackson-cbor }",
            "pekko.persistence.journal.plugin = "
                + (inmem
                    ? "pekko.persistence.journal.inmem"
                    : "pekko.persistence.cassandra.journal"),
            "pekko.persistence.snapshot-store.plugin = pekko.persistence.snapshot-store.local",
            "pekko.persistence.snapshot-store.local.dir = target/bench/ceiling-snapshots",
            "pekko.persistence.cassandra.events-by-tag.enabled = off",
            "pekko.persistence.cassandra.journal.keyspace-autocreate = off",
            "pekko.persistence.cassandra.journal.tables-autocreate = off",
            "pekko.persistence.cassandra.journal.support-all-persistence-ids = off",
            "datastax-java-driver.basic.contact-points = [\"" + o.cassandra() + "\"]",
            "datastax-java-driver.basic.load-balancing-policy.local-datacenter = datacenter1",
            "datastax-java-driver.advanced.reconnect-on-init = true",
            "datastax-java-driver.advanced.connection.max-requests-per-connection = 8192");
    Config driver = ConfigFactory.empty();
    for (var option : CassandraSettings.from(parley).driverOptions().entrySet()) {
      driver =
          driver.withValue(
              "datastax-java-driver." + option.getKey().getPath(),
              ConfigValueFactory.fromAnyRef(option.getValue()));
    }
    return ConfigFactory.parseString(settings)
        .withFallback(driver)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
