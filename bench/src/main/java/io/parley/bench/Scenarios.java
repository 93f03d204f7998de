package io.parley.bench;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sets up the conversations of a scenario with fresh users (one run prefix), one socket per device,
 * every socket past {@code synced} before the first send:
 *
 * <ul>
 *   <li>{@code direct} (and {@code hot}, its old shape of few busy pairs): P pairs, one direct
 *       conversation each; both members send.
 *   <li>{@code group}: G groups of K members, created by member 0; the first N members of each send
 *       (all K by default, which spreads the per-socket send rate; each entry fans out to the K - 1
 *       others).
 *   <li>{@code mixed}: both of the above on users of their own, half the sends each.
 *   <li>{@code room}: one room {@code r:<prefix>}; L listening sockets (several devices per
 *       listening user, {@code --sockets-per-user}) and S senders of their own, all joined.
 * </ul>
 */
final class Scenarios implements AutoCloseable {
  private static final int CONNECT_PARALLEL = 16;
  // Sockets between two progress lines while setting up; a big room takes tens of seconds.
  private static final int PROGRESS_EVERY = 2_000;
  private static final String PING = "{\"type\":\"ping\"}";

  private final Options o;
  private final WebSocketWire wire;
  private final Users users;
  private final PrintStream out;
  private final Queue<LoadClient> opened = new ConcurrentLinkedQueue<>(); // past hello
  private final AtomicBoolean pinging = new AtomicBoolean();
  private final ScheduledExecutorService pinger =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-ping");
            t.setDaemon(true);
            return t;
          });
  final String prefix = Users.runPrefix();

  Scenarios(Options o, HttpClient http, WebSocketWire wire, PrintStream out) {
    this.o = o;
    this.wire = wire;
    this.users = new Users(http, o.host(), o.port());
    this.out = out;
  }

  /**
   * From the first welcome to the end of the run, every socket past its hello pings three times per
   * {@code heartbeat_ms} the node named, as a real client does: the node closes a socket silent for
   * two heartbeats (room listeners send nothing else), and a big setup lasts longer.
   */
  private void startPings(long heartbeatMs) {
    if (heartbeatMs <= 0 || !pinging.compareAndSet(false, true)) return;
    long every = Math.max(1, heartbeatMs / 3);
    pinger.scheduleWithFixedDelay(
        () -> opened.forEach(c -> c.send(PING)), every, every, TimeUnit.MILLISECONDS);
  }

  Topology setup() throws Exception {
    return switch (o.scenario()) {
      case "direct", "hot" -> direct();
      case "group" -> group();
      case "mixed" -> mixed();
      case "room" -> room();
      default -> throw new IllegalArgumentException(o.scenario());
    };
  }

  /** Stops the pings; the sockets themselves close with their topology. */
  @Override
  public void close() {
    pinger.shutdownNow();
  }

  private void progress(int done, int total, String what) {
    if (total >= PROGRESS_EVERY && done % PROGRESS_EVERY == 0 && done < total) {
      out.printf(Locale.ROOT, "  %,d of %,d %s%n", done, total, what);
    }
  }

  private Topology direct() throws Exception {
    List<LoadClient> clients = connect(users.create(prefix, 2 * o.pairs()));
    SetupPushes pushes = new SetupPushes(clients);
    Map<String, List<LoadClient>> members = Conversations.pairs(clients);
    Conversations.prime(members);
    Topology t = new Topology(o.pairs() + " pairs, both sides send", false, clients, members);
    pushes.settle(t, members);
    Conversations.senders(members, 2).forEach(s -> t.sender(s.getKey(), s.getValue()));
    return t;
  }

  private Topology group() throws Exception {
    List<LoadClient> clients = connect(users.create(prefix, o.groups() * o.groupSize()));
    SetupPushes pushes = new SetupPushes(clients);
    Map<String, List<LoadClient>> members = Conversations.groups(clients, o.groupSize());
    Topology t = new Topology(groupsDescription(), false, clients, members);
    pushes.settle(t, members);
    Conversations.senders(members, o.sendersPerGroup())
        .forEach(s -> t.sender(s.getKey(), s.getValue()));
    return t;
  }

  /**
   * Direct pairs and groups on users of their own (each socket in one conversation), the slots
   * alternating between the two kinds so that half the sends go to each, whatever their counts.
   */
  private Topology mixed() throws Exception {
    int directSockets = 2 * o.pairs();
    List<LoadClient> clients =
        connect(users.create(prefix, directSockets + o.groups() * o.groupSize()));
    SetupPushes pushes = new SetupPushes(clients);
    Map<String, List<LoadClient>> direct = Conversations.pairs(clients.subList(0, directSockets));
    Map<String, List<LoadClient>> groups =
        Conversations.groups(clients.subList(directSockets, clients.size()), o.groupSize());
    Conversations.prime(direct);
    Map<String, List<LoadClient>> members = new LinkedHashMap<>(direct);
    members.putAll(groups);
    Topology t =
        new Topology(
            o.pairs() + " pairs and " + groupsDescription() + "; half the sends each",
            false,
            clients,
            members);
    pushes.settle(t, members);
    SendShape.halfAndHalf(
            Conversations.senders(direct, 2), Conversations.senders(groups, o.sendersPerGroup()))
        .forEach(s -> t.sender(s.getKey(), s.getValue()));
    return t;
  }

  private String groupsDescription() {
    return o.groups()
        + " groups of "
        + o.groupSize()
        + ", "
        + o.sendersPerGroup()
        + " senders each";
  }

  private Topology room() throws Exception {
    int perUser = Math.max(1, o.socketsPerUser());
    int listenerUsers = (o.listeners() + perUser - 1) / perUser;
    List<Users.User> us = users.create(prefix, listenerUsers + o.roomSenders());
    List<Users.User> devices = new ArrayList<>();
    for (int i = 0; i < o.listeners(); i++) devices.add(us.get(i / perUser));
    devices.addAll(us.subList(listenerUsers, us.size()));
    List<LoadClient> clients = connect(devices);
    String conv = "r:" + prefix;
    for (int i = 0; i < clients.size(); i++) {
      LoadClient c = clients.get(i);
      Frame joined = c.answer(c.request("join", ",\"conv\":\"" + conv + "\""), "answer to join");
      if (!"ok".equals(joined.type()))
        throw new IllegalStateException("join room: " + joined.raw());
      progress(i + 1, clients.size(), "sockets joined the room");
    }
    Topology t =
        new Topology(
            o.listeners() + " listeners, " + o.roomSenders() + " senders in one room",
            true,
            clients,
            Map.of(conv, clients));
    clients.subList(o.listeners(), clients.size()).forEach(c -> t.sender(c, conv));
    return t;
  }

  /** Opens a socket per entry and says hello on each (device "d" + its index among the user's). */
  private List<LoadClient> connect(List<Users.User> devices) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CONNECT_PARALLEL);
    try {
      Map<String, Integer> deviceNo = new HashMap<>();
      List<Future<LoadClient>> pending = new ArrayList<>();
      for (int i = 0; i < devices.size(); i++) {
        Users.User u = devices.get(i);
        int index = i;
        String device = "d" + deviceNo.merge(u.id(), 1, Integer::sum);
        pending.add(
            pool.submit(
                () -> {
                  LoadClient c = LoadClient.connect(wire, o.host(), o.port(), index, u.id());
                  // Rooms keep no delivery cursors: an ack there is a bad_request.
                  if (o.acksEach() && !o.scenario().equals("room")) c.ackEachMsg();
                  Frame welcome = c.hello(u.token(), device);
                  opened.add(c);
                  startPings(welcome.heartbeatMs());
                  return c;
                }));
      }
      List<LoadClient> clients = new ArrayList<>();
      for (Future<LoadClient> f : pending) {
        clients.add(f.get());
        progress(clients.size(), pending.size(), "sockets open, past synced");
      }
      return clients;
    } finally {
      pool.shutdownNow();
    }
  }
}
