package io.parley.bench;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Idle density: as many authenticated, heartbeating sockets as the node (or this process's file
 * descriptors) allow, then the node's memory per socket.
 *
 * <p>What is measured, honestly: the node's resident set (VmRSS from /proc) and its heap in use
 * (jvm_memory_used_bytes{area="heap"} from its /metrics), each once before the sockets open and
 * once after they have been held for {@code --duration} seconds, both times right after a full GC
 * that this tool asks for with {@code jcmd <pid> GC.run} (same machine, same user). The heap delta
 * divided by the sockets is the live memory a socket costs; the RSS delta per socket is what the OS
 * sees and includes heap the JVM grew into while connecting and kept committed, so it is an upper
 * bound. Without a visible node process only the heap figure is reported.
 *
 * <p>Heap per online user is measured from a third point, before the users are registered: an
 * online user costs its sockets plus its user entity (which registration starts and a session keeps
 * alive) and the node's caches of it. With one socket per user (the default: most people have one
 * device online) that is what one more online person costs the node.
 */
final class IdleBench {
  private final Options o;
  private final PrintStream out;

  IdleBench(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
  }

  int run() throws Exception {
    String startedAt = Instant.now().toString();
    HttpClient http = HttpClient.newHttpClient();
    long pid = o.nodePid() > 0 ? o.nodePid() : ProcStats.pidListeningOn(o.port());
    String loadBefore = ProcStats.loadAverage();
    int perUser = Math.max(1, o.socketsPerUser());
    int userCount = (o.sockets() + perUser - 1) / perUser;
    String prefix = Users.runPrefix();
    Memory noUsers = memory(http, pid);
    out.printf(
        Locale.ROOT,
        "Registering %d users (%s-*) for %d sockets; node pid %s ...%n",
        userCount,
        prefix,
        o.sockets(),
        pid > 0 ? pid : "unknown");
    List<Users.User> users = new Users(http, o.host(), o.port()).create(prefix, userCount);

    Memory before = memory(http, pid);
    out.printf(
        Locale.ROOT,
        "Before: node RSS %.1f MiB, heap after GC %.1f MiB%n",
        before.rssKb / 1024.0,
        before.heapBytes / 1048576.0);
    long overflowsBefore = ProcStats.listenOverflows();
    long started = System.nanoTime();
    try (IdleSockets sockets =
        new IdleSockets(
            new InetSocketAddress(o.host(), o.idleWebSocket() ? o.port() : o.tcpPort()),
            o.idleWebSocket(),
            o.sources(),
            o.sockets())) {
      int[] tick = {0};
      Progress heartbeat =
          Progress.start(
              () -> {
                // Each socket pings every 10 s (a tenth of them each second): well within
                // heartbeat_ms.
                sockets.ping(tick[0]++ % 10, 10);
                if (!o.quiet()) {
                  out.printf(
                      Locale.ROOT,
                      "[%4ds] open %d  welcomed %d  errors %d  closed by node %d  node RSS %d MiB%n",
                      (System.nanoTime() - started) / 1_000_000_000L,
                      sockets.open(),
                      sockets.welcomes.get(),
                      sockets.errors.get(),
                      sockets.closedByServer.get(),
                      pid > 0 ? ProcStats.rssKb(pid) / 1024 : -1);
                }
              });
      try {
        String stoppedBy = "reached --sockets";
        for (int i = 0; i < o.sockets(); i++) {
          // At most 500 hellos in flight, so the node's hello handling sets the pace.
          while (sockets.open() - sockets.welcomes.get() - sockets.errors.get() > 500)
            Thread.sleep(1);
          Users.User u = users.get(i / perUser);
          if (!sockets.connect(u.token(), "i" + i)) {
            stoppedBy = sockets.lastError;
            break;
          }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (sockets.welcomes.get() + sockets.errors.get() < sockets.open()
            && System.nanoTime() < deadline) Thread.sleep(100);
        double openSeconds = (System.nanoTime() - started) / 1e9;
        long overflows = overflowsBefore < 0 ? -1 : ProcStats.listenOverflows() - overflowsBefore;
        out.printf(
            Locale.ROOT,
            "Opened %d sockets from %d source address(es) in %.1f s (%s); holding them %d s with heartbeats ...%n",
            sockets.open(),
            sockets.sourcesUsed(),
            openSeconds,
            stoppedBy,
            o.durationSec());
        if (overflows > 0) {
          out.printf(
              Locale.ROOT,
              "Note: %d connects found the node's accept queue full and waited for a SYN retry (1 s or more each),"
                  + " so the open rate is the retries'; raise parley.edge.accept-backlog (capped by net.core.somaxconn)%n",
              overflows);
        }
        long pongsBefore = sockets.pongs.get();
        Thread.sleep(o.durationSec() * 1000L);
        long pongsDuringHold = sockets.pongs.get() - pongsBefore;
        long rssHeld = pid > 0 ? ProcStats.rssKb(pid) : -1;
        Memory after = memory(http, pid);
        long open = sockets.stillOpen();
        Map<String, Object> r = Report.header("idle", o.label(), startedAt);
        r.put("load_average_before", loadBefore);
        r.put("load_average_after", ProcStats.loadAverage());
        r.put("node_pid", pid);
        r.put("transport", o.idleWebSocket() ? "ws" : "tcp");
        r.put("sockets_requested", o.sockets());
        r.put("sockets_opened", sockets.open());
        r.put("sockets_welcomed", sockets.welcomes.get());
        r.put("sockets_open_after_hold", open);
        r.put("closed_by_node", sockets.closedByServer.get());
        r.put("errors", sockets.errors.get());
        r.put("stopped_by", stoppedBy);
        r.put("source_addresses_used", sockets.sourcesUsed());
        r.put("sockets_per_user", perUser);
        r.put("open_seconds", StepResult.round(openSeconds));
        r.put("listen_overflows_while_opening", overflows);
        r.put("hold_seconds", o.durationSec());
        r.put("heartbeat_ms", sockets.heartbeatMs);
        r.put("pongs_during_hold", pongsDuringHold);
        r.put("node_rss_before_kb", before.rssKb);
        r.put("node_rss_held_kb", rssHeld);
        r.put("node_rss_after_gc_kb", after.rssKb);
        r.put("node_heap_after_gc_before_users_bytes", noUsers.heapBytes);
        r.put("node_heap_after_gc_before_bytes", before.heapBytes);
        r.put("node_heap_after_gc_after_bytes", after.heapBytes);
        double rssPer = open == 0 || pid <= 0 ? -1 : (after.rssKb - before.rssKb) / (double) open;
        double heapPer = open == 0 ? -1 : (after.heapBytes - before.heapBytes) / 1024.0 / open;
        r.put("kb_per_socket_rss", StepResult.round(rssPer));
        r.put("kb_per_socket_heap", StepResult.round(heapPer));
        r.put("sockets_per_gib_rss", rssPer > 0 ? Math.round(1048576 / rssPer) : -1);
        r.put("sockets_per_gib_heap", heapPer > 0 ? Math.round(1048576 / heapPer) : -1);
        // Users with a socket still open; exact when every socket stayed (or one socket each).
        long usersOnline = Math.min(userCount, (open + perUser - 1) / perUser);
        double heapPerUser =
            usersOnline == 0 ? -1 : (after.heapBytes - noUsers.heapBytes) / 1024.0 / usersOnline;
        r.put("users_online", usersOnline);
        r.put("kb_per_online_user_heap", StepResult.round(heapPerUser));
        r.put(
            "measured",
            "node RSS (VmRSS) and heap used from /metrics, each after jcmd GC.run, before and after"
                + " the sockets; heap also before the users were registered (per online user: sockets and user entity)");
        out.println();
        out.printf(
            Locale.ROOT,
            "%-28s %s%n",
            "sockets open after hold",
            open
                + " of "
                + sockets.open()
                + " ("
                + sockets.closedByServer.get()
                + " closed by the node)");
        out.printf(
            Locale.ROOT,
            "%-28s %d pongs in %d s%n",
            "heartbeats answered",
            pongsDuringHold,
            o.durationSec());
        out.printf(
            Locale.ROOT,
            "%-28s %.1f -> %.1f MiB (%.1f KB per socket)%n",
            "node RSS after GC",
            before.rssKb / 1024.0,
            after.rssKb / 1024.0,
            rssPer);
        out.printf(
            Locale.ROOT,
            "%-28s %.1f -> %.1f MiB (%.1f KB per socket)%n",
            "node heap after GC",
            before.heapBytes / 1048576.0,
            after.heapBytes / 1048576.0,
            heapPer);
        out.printf(
            Locale.ROOT,
            "%-28s %.1f -> %.1f MiB (%.1f KB per online user: %d socket%s and its user entity; %d users)%n",
            "node heap, users included",
            noUsers.heapBytes / 1048576.0,
            after.heapBytes / 1048576.0,
            heapPerUser,
            perUser,
            perUser == 1 ? "" : "s",
            usersOnline);
        Path json = Report.writeJson(o.out(), Report.fileName("idle"), r);
        out.println("JSON:  " + json);
        return sockets.open() == 0 ? 3 : 0;
      } finally {
        heartbeat.stop();
      }
    }
  }

  private record Memory(long rssKb, double heapBytes) {}

  /** RSS and heap in use right after a full GC of the node (when its pid is known). */
  private Memory memory(HttpClient http, long pid) throws Exception {
    if (pid > 0) {
      try {
        Process jcmd =
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid),
                    "GC.run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!jcmd.waitFor(60, TimeUnit.SECONDS)) jcmd.destroy();
        Thread.sleep(2000);
      } catch (java.io.IOException e) {
        out.println(
            "Note: no jcmd to ask the node for a GC ("
                + e.getMessage()
                + "); memory is measured as it is");
      }
    }
    String metrics = ProcStats.scrape(http, o.host(), o.metricsPort());
    double heap = ProcStats.sum(metrics, "jvm_memory_used_bytes\\{area=\"heap\"[^}]*}");
    return new Memory(pid > 0 ? ProcStats.rssKb(pid) : -1, heap);
  }
}
