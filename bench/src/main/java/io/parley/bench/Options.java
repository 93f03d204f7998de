package io.parley.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The load tool's command line: {@code --name value} pairs and a few flags. */
record Options(
    String scenario,
    String host,
    int port,
    int tcpPort,
    int metricsPort,
    double rate,
    int durationSec,
    int warmupSec,
    int pairs,
    int groups,
    int groupSize,
    int groupSenders,
    int listeners,
    int roomSenders,
    int sockets,
    int socketsPerUser,
    int sources,
    boolean idleWebSocket,
    int bodyBytes,
    boolean findMax,
    boolean withCeiling,
    int repeat,
    List<Double> rates,
    int nodeWarmupSec,
    double startRate,
    double step,
    double maxRate,
    double boundMs,
    int drainSec,
    boolean historyCheck,
    int ackIntervalMs,
    boolean acksEach,
    int entities,
    int outstanding,
    String cassandra,
    String journal,
    long nodePid,
    Path out,
    String label,
    boolean quiet) {

  static final String USAGE =
      """
      Usage: ./parley bench [OPTIONS]

        --scenario direct|mixed|group|room|hot|idle|ceiling   (default direct)
        --host H --port P        edge HTTP/WebSocket address (default 127.0.0.1:8080)
        --metrics-port P         the node's management port, which serves /metrics (default 8558)
        --rate R                 sends per second, open loop, spread over all senders (default: direct,
                                 mixed and hot 1000, group 200, room 10; a room send fans out to every
                                 listener)
        --duration S             measured seconds (default 20); --warmup S excluded first (default 5)
        --pairs P                direct: P pairs, one quiet direct conversation each, one user and
                                 socket per side, both sides send (default 1000: under 5 msgs/s per
                                 conversation and 1.5/s per socket at 3,000 msgs/s)
        --groups G --group-size K --group-senders N
                                 group: G groups of K members, the first N members of each send
                                 (default 10 groups of 10, every member sends)
        mixed                    --pairs direct pairs (default 500) and --groups groups of
                                 --group-size (default 100 of 8), every member sends; half the sends
                                 go to the direct conversations, half to the groups
        hot                      the old flattering shape: 50 hot pairs (~20 msgs/s per conversation
                                 at 1,000 msgs/s), --acks batch; above ~1,500 msgs/s it needs the
                                 node started with PARLEY_SEND_RATE=100000 PARLEY_SEND_BURST=100000
        --listeners N --room-senders S
                                 room: N listening sockets and S senders in one room (default 1000, 10)
        --body-bytes B           text body size (default 100)
        --acks each|batch        each (default; batch for hot): every receiving socket acks each msg
                                 frame on receipt, as a phone does; batch: one cumulative ack per
                                 conversation and socket per --ack-interval MS (default 1000, 0 = never)
        --find-max               step the rate up from --start-rate by --step (default 500, 500) up to
                                 --max-rate (default 50000) until p99 send->delivered > --bound-ms
                                 (default 50) or errors appear; then bisect twice. Says so when the
                                 node or Cassandra is under 15 minutes old: their maximum is lower then
        --node-warmup S|auto     first an unreported step of S seconds at the first rate, so a freshly
                                 started node's JIT is warm before anything is measured; auto (the
                                 default): 60 s when the node or Cassandra started under 5 minutes ago
                                 (a paced ceiling measures its own new JVM: auto is always 60 s)
        --rates R1,R2,...        one step at each of these rates (e.g. 25/50/80 % of the max)
        --repeat N               N back-to-back steps at --rate on the same conversations (their
                                 history grows from step to step)
        --with-ceiling           after the load, measure the ceiling (below) in this run and report
                                 Parley's best msgs/s as a ratio to it
        --drain S                seconds to wait after the last send for replies and pushes (default 10)
        --history-check on|off   page the stored history of every conversation and check it
                                 against the acks (default on; off for an in-memory journal)
        --sockets N --sockets-per-user U --sources K --tcp-port P --transport tcp|ws
                                 idle: N sockets (default 10000), U per user (default 1, also for
                                 room listeners), from up to K source addresses 127.0.0.1..
                                 (default 8); raw TCP on port 7070 (default) or, with --transport ws,
                                 WebSocket on --port. Reports heap per socket and per online user
        --node-pid PID           the node's process for RSS and CPU (default: found by its HTTP port)
        --entities N --outstanding N --cassandra HOST:PORT --journal cassandra|inmem
                                 ceiling: bare persist-and-reply over N entities (default 1000), N asks
                                 in flight (default 256), Cassandra (default 127.0.0.1:9042); with
                                 --rate, --rates or --find-max it runs open loop at those rates
                                 instead (e.g. --entities 50, the hot scenario's conversations)
        --out DIR                where JSON and HTML go (default target/bench)
        --label TEXT             a name for this run in the report
        --quiet                  no per-second progress

      Each step reports the node's and Cassandra's CPU per message (/proc, over the measured
      seconds): node us/msg, cass us/msg, the node's user/system us and context switches per msg.
      Keep the node's send limits at their defaults: it allows 20 sends/s per socket (burst 50),
      and the default shapes stay far below. The tool warns when the busiest sending socket would
      go above ~15/s (hot, or few pairs at a high rate); for such runs start the node with
      PARLEY_SEND_RATE=100000 PARLEY_SEND_BURST=100000. All sockets come from one address, so
      raise the node's per-address limits in any case (README, "Exposing Parley to the internet").
      Exit status: 0 ok, 1 the checker found acked loss (or duplicates, reordering), 2 bad usage,
      3 the run could not be set up.
      """;

  static Options parse(String... args) {
    Map<String, String> a = new HashMap<>();
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + arg);
      String name = arg.substring(2);
      int eq = name.indexOf('=');
      if (eq > 0) {
        a.put(name.substring(0, eq), name.substring(eq + 1));
      } else if (List.of("find-max", "with-ceiling", "quiet", "help").contains(name)) {
        flags.add(name);
      } else if (i + 1 < args.length) {
        a.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
    }
    if (flags.contains("help")) throw new IllegalArgumentException("help");
    String scenario = str(a, "scenario", "direct");
    boolean mixed = scenario.equals("mixed");
    Options o =
        new Options(
            scenario,
            str(a, "host", "127.0.0.1"),
            num(a, "port", 8080),
            num(a, "tcp-port", 7070),
            num(a, "metrics-port", 8558),
            dbl(a, "rate", -1),
            num(a, "duration", 20),
            num(a, "warmup", 5),
            // Many quiet conversations by default, as users have them; hot keeps the old 50.
            num(
                a,
                "pairs",
                switch (scenario) {
                  case "hot" -> 50;
                  case "mixed" -> 500;
                  default -> 1000;
                }),
            num(a, "groups", mixed ? 100 : 10),
            num(a, "group-size", mixed ? 8 : 10),
            num(a, "group-senders", 0),
            num(a, "listeners", 1000),
            num(a, "room-senders", 10),
            num(a, "sockets", 10000),
            // Most people have one device online.
            num(a, "sockets-per-user", 1),
            num(a, "sources", 8),
            transport(str(a, "transport", "tcp")),
            num(a, "body-bytes", 100),
            flags.contains("find-max"),
            flags.contains("with-ceiling"),
            num(a, "repeat", 1),
            rates(str(a, "rates", "")),
            nodeWarmup(str(a, "node-warmup", "auto")),
            dbl(a, "start-rate", 500),
            dbl(a, "step", 500),
            dbl(a, "max-rate", 50000),
            dbl(a, "bound-ms", 50),
            num(a, "drain", 10),
            !"off".equals(str(a, "history-check", "on")),
            num(a, "ack-interval", 1000),
            acks(str(a, "acks", scenario.equals("hot") ? "batch" : "each")),
            num(a, "entities", 1000),
            num(a, "outstanding", 256),
            str(a, "cassandra", "127.0.0.1:9042"),
            str(a, "journal", "cassandra"),
            num(a, "node-pid", 0),
            Path.of(str(a, "out", "target/bench")),
            str(a, "label", ""),
            flags.contains("quiet"));
    if (!a.isEmpty())
      throw new IllegalArgumentException("unknown option --" + a.keySet().iterator().next());
    if (!List.of("direct", "mixed", "group", "room", "hot", "idle", "ceiling")
        .contains(o.scenario)) {
      throw new IllegalArgumentException("unknown scenario " + o.scenario);
    }
    // The ceiling's own default is closed loop; a rate, rates or --find-max pace it instead.
    if (o.rate == -1 && !o.scenario.equals("ceiling")) {
      // Sends per second that a default setup carries without hitting the per-socket limit.
      o =
          o.withRate(
              switch (o.scenario) {
                case "group" -> 200;
                case "room" -> 10;
                default -> 1000;
              });
    }
    if ((o.rate <= 0 && o.rate != -1) || o.durationSec <= 0 || o.warmupSec < 0) {
      throw new IllegalArgumentException("--rate and --duration must be > 0, --warmup >= 0");
    }
    if (o.groupSize < 2 || o.pairs < 1 || o.groups < 1 || o.listeners < 1 || o.roomSenders < 1) {
      throw new IllegalArgumentException("a scenario needs at least one sender and one recipient");
    }
    return o;
  }

  /** The ceiling scenario open loop at set rates ({@link PacedCeiling}) rather than closed loop. */
  boolean pacedCeiling() {
    return rate > 0 || findMax || !rates.isEmpty();
  }

  /** Senders per group: all members unless --group-senders says fewer. */
  int sendersPerGroup() {
    return groupSenders <= 0 ? groupSize : Math.min(groupSenders, groupSize);
  }

  Options withRate(double newRate) {
    return with(newRate, warmupSec, durationSec);
  }

  /** The same options at another rate and timing. */
  Options with(double newRate, int newWarmupSec, int newDurationSec) {
    return new Options(
        scenario,
        host,
        port,
        tcpPort,
        metricsPort,
        newRate,
        newDurationSec,
        newWarmupSec,
        pairs,
        groups,
        groupSize,
        groupSenders,
        listeners,
        roomSenders,
        sockets,
        socketsPerUser,
        sources,
        idleWebSocket,
        bodyBytes,
        findMax,
        withCeiling,
        repeat,
        rates,
        nodeWarmupSec,
        startRate,
        step,
        maxRate,
        boundMs,
        drainSec,
        historyCheck,
        ackIntervalMs,
        acksEach,
        entities,
        outstanding,
        cassandra,
        journal,
        nodePid,
        out,
        label,
        quiet);
  }

  private static int nodeWarmup(String value) {
    if (value.equals("auto")) return ColdStart.AUTO;
    try {
      int seconds = Integer.parseInt(value);
      if (seconds >= 0) return seconds;
    } catch (NumberFormatException e) {
      // the message below says what is accepted
    }
    throw new IllegalArgumentException("--node-warmup is auto or whole seconds >= 0, not " + value);
  }

  private static boolean acks(String mode) {
    if (!mode.equals("each") && !mode.equals("batch")) {
      throw new IllegalArgumentException("--acks is each or batch, not " + mode);
    }
    return mode.equals("each");
  }

  private static boolean transport(String name) {
    if (!name.equals("tcp") && !name.equals("ws")) {
      throw new IllegalArgumentException("--transport is tcp or ws, not " + name);
    }
    return name.equals("ws");
  }

  private static String str(Map<String, String> a, String name, String fallback) {
    String v = a.remove(name);
    return v == null ? fallback : v;
  }

  private static List<Double> rates(String list) {
    List<Double> rates = new ArrayList<>();
    for (String r : list.split(",")) {
      if (r.isBlank()) continue;
      try {
        rates.add(Double.parseDouble(r.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--rates needs numbers separated by commas, not " + list);
      }
    }
    return List.copyOf(rates);
  }

  private static int num(Map<String, String> a, String name, int fallback) {
    String v = a.remove(name);
    try {
      return v == null ? fallback : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " needs a whole number, not " + v);
    }
  }

  private static double dbl(Map<String, String> a, String name, double fallback) {
    String v = a.remove(name);
    try {
      return v == null ? fallback : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " needs a number, not " + v);
    }
  }
}
