package io.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.testing.Await;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/cassandra.sh when a launcher starts while the previous one is still stopping its embedded
 * Cassandra (./parley run right after a Ctrl-C): it waits for that node to go, rather than reusing
 * it and losing it moments later. The "Cassandra" here is a stand-in process whose command line
 * names CassandraDaemon (what the script checks) and that takes two seconds to stop on SIGTERM, in
 * a temporary data directory; its CQL port is one this test holds, so a start that goes on after
 * the wait stops at "port taken" instead of starting a real node.
 */
class CassandraStopWaitTest {
  private final List<Process> started = new ArrayList<>();
  @TempDir Path data;

  @AfterEach
  void stopWhatWasStarted() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void aStartWaitsForThePreviousCassandraToStopInsteadOfReusingIt() throws Exception {
    Process cassandra = standInCassandra();
    Process stopper = script("cassandra_stop " + data);
    awaitMark();
    try (ServerSocket cql = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Result start = run("cassandra_start " + data + " " + cql.getLocalPort() + " 1", "");
      String pid = Long.toString(cassandra.pid());
      assertTrue(
          start.out.contains("waiting for the previous Cassandra (pid " + pid + ") to stop"),
          start.out);
      assertFalse(start.out.contains("reusing"), start.out);
      // Exited (the JVM may take a moment to reap it), not two seconds after this returned.
      assertTrue(cassandra.waitFor(1, TimeUnit.SECONDS), "returned once the previous node went");
      // It went on to start a node of its own, and met the port this test holds.
      assertTrue(start.out.contains("Port " + cql.getLocalPort() + " is taken"), start.out);
      assertEquals(1, start.exit);
    }
    assertTrue(stopper.waitFor(30, TimeUnit.SECONDS));
    assertFalse(Files.exists(data.resolve("cassandra.stopping")), "the mark is gone");
  }

  @Test
  void aStopThatDoesNotEndWithinTheBoundIsGivenUpWithAMessage() throws Exception {
    Process cassandra = standInCassandra();
    Process stuck = start("sleep", "120"); // a launcher whose stop never comes
    Files.writeString(data.resolve("cassandra.pid"), cassandra.pid() + "\n");
    Files.writeString(data.resolve("cassandra.stopping"), cassandra.pid() + " " + stuck.pid());
    Result wait = run("cassandra_await_stop " + data, "PARLEY_CASSANDRA_STOP_WAIT=2");
    assertEquals(1, wait.exit, wait.out);
    assertTrue(wait.out.contains("still stopping after 2s; giving up"), wait.out);
    assertTrue(wait.out.contains("kill " + cassandra.pid()), wait.out);
    assertTrue(cassandra.isAlive(), "not stopped by the waiting launcher");
  }

  @Test
  void aStopWhoseLauncherDiedIsFinishedByTheNextLauncher() throws Exception {
    Process cassandra = standInCassandra();
    Process gone = start("true");
    assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
    Files.writeString(data.resolve("cassandra.pid"), cassandra.pid() + "\n");
    Files.writeString(data.resolve("cassandra.stopping"), cassandra.pid() + " " + gone.pid());
    Result wait = run("cassandra_await_stop " + data, "");
    assertEquals(0, wait.exit, wait.out);
    assertTrue(wait.out.contains("is gone; stopping it here"), wait.out);
    assertTrue(cassandra.waitFor(1, TimeUnit.SECONDS), "stopped before this returned");
    assertFalse(Files.exists(data.resolve("cassandra.pid")));
    assertFalse(Files.exists(data.resolve("cassandra.stopping")));
  }

  /** A process the script takes for Cassandra; on SIGTERM it takes 2 s to exit, as a drain. */
  private Process standInCassandra() throws Exception {
    Process p =
        start(
            "bash",
            "-c",
            ": CassandraDaemon; trap 'sleep 2; exit 0' TERM; while :; do sleep 0.1; done");
    Files.writeString(data.resolve("cassandra.pid"), p.pid() + "\n");
    return p;
  }

  private void awaitMark() throws Exception {
    Path mark = data.resolve("cassandra.stopping");
    Await.until(() -> Files.exists(mark), marked -> marked, Duration.ofSeconds(30), "the mark");
  }

  private record Result(int exit, String out) {}

  /** Runs a function of scripts/cassandra.sh to its end; {@code env}: assignments before it. */
  private Result run(String call, String env) throws Exception {
    Process p = script((env.isEmpty() ? "" : "export " + env + "; ") + call);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), call + " ends: " + out);
    return new Result(p.exitValue(), out);
  }

  private Process script(String call) throws Exception {
    return start("bash", "-c", "PARLEY_ROOT=. && source scripts/cassandra.sh && " + call + " 2>&1");
  }

  private Process start(String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(new File(".")).start();
    started.add(p);
    return p;
  }
}
