package io.parley.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Parley's meters, in one Prometheus registry per JVM (nodes that share a JVM in tests share it).
 * Names follow Prometheus conventions once exported: {@code parley_messages_in_total}, {@code
 * parley_send_persist_seconds_bucket}, ... Latencies are histograms, so percentiles are computed in
 * Prometheus ({@code histogram_quantile}) across nodes. The Grafana dashboard in grafana/ reads
 * these.
 */
public final class Metrics {
  public static final PrometheusMeterRegistry REGISTRY =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** Sends accepted from clients (before they are stored). */
  public static final Counter MESSAGES_IN =
      Counter.builder("parley.messages.in")
          .description("send frames accepted from clients")
          .register(REGISTRY);

  /** Sends an edge node refused at once because its send gate was full (edge.SendGate). */
  public static final Counter SENDS_REFUSED =
      Counter.builder("parley.sends.refused")
          .description("sends refused because the edge node had max-sends-in-flight waiting")
          .register(REGISTRY);

  /**
   * Posts a conversation refused because they reached it (or their write) after their deadline:
   * answered {@code unavailable}, never stored (docs/protocol.md, "Send deadlines").
   */
  public static final Counter POSTS_LATE =
      Counter.builder("parley.posts.late")
          .description("posts refused unstored: they reached their conversation after the deadline")
          .register(REGISTRY);

  /**
   * Sends an edge node stopped waiting for (answered {@code internal}, outcome unknown): the
   * conversation's node died mid-write, or never got them.
   */
  public static final Counter SENDS_UNKNOWN =
      Counter.builder("parley.sends.unknown")
          .description("sends answered outcome unknown: no answer from the conversation in time")
          .register(REGISTRY);

  /**
   * A hello's token check or sync asked again because an entity did not answer in time, as while
   * the shards of a crashed node move, or a session's journal read (catch-up, gap) that failed
   * (edge.session.Patience).
   */
  public static final Counter SESSION_RETRIES =
      Counter.builder("parley.session.retries")
          .description(
              "hello token checks, syncs and session journal reads asked again after a failure")
          .register(REGISTRY);

  /** msg frames queued to sockets (pushes, catch-up, room fan-out). */
  public static final Counter MESSAGES_OUT =
      Counter.builder("parley.messages.out")
          .description("msg frames queued to sockets")
          .register(REGISTRY);

  /** From a send's arrival at the edge to its sent reply (the entry is durable). */
  public static final Timer SEND_PERSIST =
      latency("parley.send.persist", "time from a send frame to its durable sent reply");

  /** The conversation entity's journal writes, one sample each (a write may hold several posts). */
  public static final Timer JOURNAL_WRITE =
      latency(
          "parley.journal.write",
          "conversation entity: one journal write, from its handler to stored (a write may hold several posts)");

  /**
   * A conversation entity's recovery (snapshot and events since): from its start, or from its last
   * failure (the backoff before the restart included), to recovered. After a node dies this is the
   * wait between a shard's new home and its conversations taking sends (docs/operations.md).
   */
  public static final Timer CONVERSATION_RECOVERY =
      latency(
          "parley.conversation.recovery",
          "conversation entity: from its start or last failure to recovered");

  /** Frames queued towards sockets but not yet written. */
  public static final AtomicLong PUSH_QUEUE =
      REGISTRY.gauge("parley.push.queue.depth", new AtomicLong());

  /**
   * Rooms that edge nodes hold (an actor and a subscription each); they end with their last socket.
   */
  public static final AtomicLong LIVE_ROOMS = REGISTRY.gauge("parley.rooms.live", new AtomicLong());

  /** Encoded bytes waiting to be written to sockets: their outbound queues and pending pongs. */
  public static final AtomicLong OUTBOUND_BYTES =
      REGISTRY.gauge("parley.outbound.bytes", new AtomicLong());

  /**
   * The most bytes one socket has had waiting to be written, since start: at most
   * parley.session.outbound-buffer-bytes (and a pong), whatever the client does.
   */
  public static final AtomicLong OUTBOUND_PEAK_BYTES =
      REGISTRY.gauge("parley.outbound.socket.peak.bytes", new AtomicLong());

  /** Sockets closed because their reader fell behind (outbound queue full, in frames or bytes). */
  public static final Counter SLOW_READERS =
      Counter.builder("parley.slow.readers")
          .description(
              "sockets closed because their outbound queue reached its frame or byte bound")
          .register(REGISTRY);

  // Room fan-out: a room entry costs one publish and one delivery per edge node, whatever the
  // audience; only the socket writes grow with it (RoomTest checks the three against each other).

  /** Room entries fanned out by room entities (one per entry). */
  public static final Counter ROOM_PUBLISHED =
      Counter.builder("parley.room.entries.published")
          .description("room entries fanned out, one per entry")
          .register(REGISTRY);

  /** Room entries received by edge nodes' room registries (one per entry per node). */
  public static final Counter ROOM_NODE_DELIVERIES =
      Counter.builder("parley.room.node.deliveries")
          .description("room entries received by this JVM's edge nodes, one per entry per node")
          .register(REGISTRY);

  /** Frames queued to room members' sockets (one per entry per joined socket). */
  public static final Counter ROOM_SOCKET_WRITES =
      Counter.builder("parley.room.socket.writes")
          .description("room entry frames queued to joined sockets, one per entry per socket")
          .register(REGISTRY);

  private static final AtomicLong OPEN_CONNECTIONS =
      REGISTRY.gauge("parley.connections.open", new AtomicLong());

  static {
    new JvmMemoryMetrics().bindTo(REGISTRY);
    new JvmGcMetrics().bindTo(REGISTRY);
    new JvmThreadMetrics().bindTo(REGISTRY);
    new ClassLoaderMetrics().bindTo(REGISTRY);
    new ProcessorMetrics().bindTo(REGISTRY);
    new UptimeMetrics().bindTo(REGISTRY);
  }

  private Metrics() {}

  /** A latency histogram (1 ms to 10 s buckets) that Prometheus can take percentiles from. */
  private static Timer latency(String name, String description) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(REGISTRY);
  }

  public static void connectionOpened() {
    OPEN_CONNECTIONS.incrementAndGet();
  }

  public static void connectionClosed() {
    OPEN_CONNECTIONS.decrementAndGet();
  }

  /** The Prometheus text exposition of every meter. */
  public static String scrape() {
    return REGISTRY.scrape();
  }
}
