package io.parley.bench.chaos;

import io.parley.conversation.ConversationId;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Load of the users' shape through the edge nodes, with the client behaviour the contract asks for
 * (docs/protocol.md): direct pairs, each user on one or two devices spread over the edges; sends at
 * a steady rate per conversation, each with its own cid, resent by that cid every 2 s while
 * unanswered and retried by it on {@code unavailable} and {@code internal}, within the edge's send
 * budget ({@link Outbox}); devices that ack what they hold, page gaps, and reconnect to the next
 * edge with their cursors when a socket closes or a pong is missed. Every attempt and delivery is
 * recorded for {@link Invariants}.
 *
 * <pre>{@code
 * try (FaultLoad load = new FaultLoad(new FaultLoad.Settings(edges, 100, 0.5, 2,
 *     Duration.ofSeconds(60), "k" + runNumber, 1L))) {
 *   load.start();
 *   ... faults, printing load.liveStats().line() every few seconds ...
 *   Records records = load.finish(Duration.ofSeconds(60));
 *   Verdict verdict = Invariants.check(records,
 *       JournalRows.read(new CassandraLogin("127.0.0.1:9042", "parley", "parley-dev"),
 *           records.persistenceIds()));
 *   RecoveryTimes recovery = records.recoveryAfter(faultEnd);
 * }
 * }</pre>
 */
public final class FaultLoad implements AutoCloseable {
  /**
   * {@code edges}: the HTTP+WebSocket ports of the edge nodes; {@code conversations}: direct pairs;
   * {@code retryFor}: how long a send is retried by its cid; {@code runId}: prefixes user ids (up
   * to 20 chars of [a-z0-9]) so runs never meet; {@code seed}: who sends when.
   */
  public record Settings(
      List<InetSocketAddress> edges,
      int conversations,
      double sendsPerSecondPerConversation,
      int devicesPerUser,
      Duration retryFor,
      String runId,
      long seed) {
    private static final Pattern RUN_ID = Pattern.compile("[a-z0-9]{1,20}");

    public Settings {
      edges = List.copyOf(edges);
      if (edges.isEmpty()) throw new IllegalArgumentException("no edges");
      if (conversations < 1) throw new IllegalArgumentException("conversations < 1");
      if (!(sendsPerSecondPerConversation > 0)) throw new IllegalArgumentException("rate <= 0");
      if (devicesPerUser < 1) throw new IllegalArgumentException("devicesPerUser < 1");
      if (!RUN_ID.matcher(runId).matches())
        throw new IllegalArgumentException("runId must be 1-20 chars of [a-z0-9]: " + runId);
    }
  }

  /** How long start() waits for every device to say hello and sync before it fails. */
  static final Duration SETUP_WAIT = Duration.ofSeconds(120);

  // Registration hashes passwords (Argon2id): a few at once keep the edges' hashing threads busy.
  private static final int PARALLEL_LOGINS = 4;
  // Heartbeats, pong and hello deadlines and retries of gap pages are checked this often.
  private static final Duration UPKEEP_EVERY = Duration.ofMillis(500);

  private final Settings settings;
  private final PrintStream out;
  private final Map<String, List<Device>> byConv = new LinkedHashMap<>();
  private final List<Device> devices = new ArrayList<>();
  private final List<ScheduledFuture<?>> pacers = new ArrayList<>();
  private Shared shared;

  public FaultLoad(Settings settings) {
    this(settings, System.out);
  }

  public FaultLoad(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** Registers and logs in the users, connects and syncs every device, then starts sending. */
  public void start() throws Exception {
    long began = System.nanoTime();
    shared =
        new Shared(
            settings.edges(), settings.retryFor(), Timings.DEFAULT, settings.devicesPerUser());
    List<String> users = new ArrayList<>();
    for (int p = 0; p < settings.conversations(); p++) {
      users.add(settings.runId() + "-a" + p);
      users.add(settings.runId() + "-b" + p);
    }
    Map<String, String> tokens = login(users);
    out.printf("chaos load: %d users logged in (%d s)%n", users.size(), seconds(began));
    for (int p = 0; p < settings.conversations(); p++) {
      String a = users.get(2 * p), b = users.get(2 * p + 1);
      String conv = ConversationId.direct(a, b).value();
      List<Device> members = new ArrayList<>();
      for (String user : List.of(a, b)) {
        for (int d = 0; d < settings.devicesPerUser(); d++) {
          Device device = new Device(user, "d" + d, conv, tokens.get(user), devices.size(), shared);
          members.add(device);
          devices.add(device);
        }
      }
      byConv.put(conv, members);
    }
    long every = UPKEEP_EVERY.toMillis();
    shared.timers.scheduleAtFixedRate(this::upkeep, every, every, TimeUnit.MILLISECONDS);
    devices.forEach(Device::start);
    Instant deadline = Instant.now().plus(SETUP_WAIT);
    if (!FinalSync.waitFor(() -> devices.stream().allMatch(Device::isReady), deadline)) {
      long ready = devices.stream().filter(Device::isReady).count();
      throw new IllegalStateException(
          "chaos load: only " + ready + " of " + devices.size() + " devices synced in time");
    }
    out.printf("chaos load: %d devices synced (%d s)%n", devices.size(), seconds(began));
    startPacers();
    out.printf(
        "chaos load: sending %.2f/s in each of %d conversations%n",
        settings.sendsPerSecondPerConversation(), byConv.size());
  }

  private void upkeep() {
    try {
      devices.forEach(Device::upkeep);
    } catch (RuntimeException e) {
      // A bug here must not silently stop every heartbeat and retry: say so, and go on.
      e.printStackTrace(out);
    }
  }

  private Map<String, String> login(List<String> users) throws Exception {
    Accounts accounts = new Accounts(settings.edges());
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_LOGINS);
    try {
      Map<String, Future<String>> pending = new LinkedHashMap<>();
      for (int i = 0; i < users.size(); i++) {
        String user = users.get(i);
        int edge = i;
        pending.put(user, pool.submit(() -> accounts.registerAndLogin(user, edge)));
      }
      Map<String, String> tokens = new LinkedHashMap<>();
      for (var e : pending.entrySet()) tokens.put(e.getKey(), e.getValue().get());
      return tokens;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One pacer per conversation at the configured rate, from a random member's random device. */
  private void startPacers() {
    long periodMicros = (long) (1_000_000 / settings.sendsPerSecondPerConversation());
    int p = 0;
    for (var e : byConv.entrySet()) {
      Random random = new Random(settings.seed() * 1_000_003L + p);
      List<Device> members = e.getValue();
      String prefix = settings.runId() + "." + p + ".";
      long[] next = {0};
      long phase = (long) (random.nextDouble() * periodMicros);
      pacers.add(
          shared.timers.scheduleAtFixedRate(
              () -> members.get(random.nextInt(members.size())).outbox.issue(prefix + next[0]++),
              phase,
              periodMicros,
              TimeUnit.MICROSECONDS));
      p++;
    }
  }

  /** Drops every device's socket at once (a fault the load can make itself, for its test). */
  void dropEverySocket() {
    devices.forEach(Device::resync);
  }

  public void stopSending() {
    pacers.forEach(f -> f.cancel(false));
  }

  /**
   * Stops sending; waits up to {@code settle} for every send to be acked or given up (retries go on
   * meanwhile); then reconnects every device with its cursor, waits until each holds its
   * conversation's whole history, reads every history, and returns the records.
   */
  public Records finish(Duration settle) throws Exception {
    stopSending();
    long began = System.nanoTime();
    boolean settled =
        FinalSync.waitFor(
            () -> devices.stream().allMatch(d -> d.outbox.settled()), Instant.now().plus(settle));
    devices.forEach(d -> d.outbox.stop());
    out.printf(
        "chaos load: sends %s after %d s (%s)%n",
        settled ? "settled" : "NOT settled", seconds(began), liveStats().line());
    return new FinalSync(byConv, out).run(devices);
  }

  /** Counts so far, for a progress line. */
  public Stats liveStats() {
    return shared == null ? new Stats.Counters().snapshot() : shared.counters.snapshot();
  }

  @Override
  public void close() throws Exception {
    stopSending();
    devices.forEach(Device::stop);
    if (shared != null) shared.close();
  }

  private static long seconds(long sinceNanos) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sinceNanos);
  }
}
