package io.parley.bench.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The embedded Cassandra of a chaos run, started and restarted through scripts/cassandra.sh (the
 * same start-up as ./parley's, role included), so the Cassandra nemesis can kill it with SIGKILL
 * and bring it back. A run against a Cassandra it did not start has no handle on it: that nemesis
 * is then skipped.
 */
final class ChaosCassandra {
  private final Path root;
  private final Path dataDir;
  private final String address;
  private final int cqlPort;
  private final int storagePort;

  ChaosCassandra(Path root, Path dataDir, String address, int cqlPort, int storagePort) {
    this.root = root;
    this.dataDir = dataDir;
    this.address = address;
    this.cqlPort = cqlPort;
    this.storagePort = storagePort;
  }

  String contactPoint() {
    return address + ":" + cqlPort;
  }

  /** Starts it (or reuses a running one of the same data directory) and waits for CQL. */
  void start() throws IOException {
    System.out.println("Cassandra: starting on " + contactPoint() + " (data " + dataDir + ") ...");
    Shell.run(
        List.of(
            "bash",
            "-c",
            "source \"$PARLEY_ROOT/scripts/cassandra.sh\" && cassandra_start \"$1\" \"$2\" \"$3\"",
            "chaos",
            dataDir.toString(),
            Integer.toString(cqlPort),
            Integer.toString(storagePort)),
        Map.of("PARLEY_ROOT", root.toString(), "PARLEY_CASSANDRA_ADDRESS", address));
    System.out.println("Cassandra: up on " + contactPoint());
  }

  /** SIGKILL: no flush, no drain; its commit log is all it has on restart. */
  void kill() throws IOException {
    Path pidFile = dataDir.resolve("cassandra.pid");
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    Shell.signal(pid, "KILL");
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
  }

  void stop() {
    try {
      Shell.run(
          List.of(
              "bash",
              "-c",
              "source \"$PARLEY_ROOT/scripts/cassandra.sh\" && cassandra_stop \"$1\"",
              "chaos",
              dataDir.toString()),
          Map.of("PARLEY_ROOT", root.toString(), "PARLEY_CASSANDRA_ADDRESS", address));
    } catch (IOException e) {
      System.out.println("Cassandra: could not stop it: " + e.getMessage());
    }
  }
}
