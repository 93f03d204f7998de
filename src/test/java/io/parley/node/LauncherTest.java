package io.parley.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TcpClient;
import io.parley.testing.TestNodes;
import io.parley.testing.TestTls;
import io.parley.testing.WsClient;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./parley run} as a user runs it (against the test Cassandra, through
 * PARLEY_CASSANDRA_CONTACT_POINTS, so it starts none): it prints where it listens, accepts a hello
 * there, and stops cleanly on a signal.
 */
@Integration
class LauncherTest {

  @Test
  void parleyRunServesClientsAndStopsOnSignal() throws Exception {
    try (Launched run = Launched.start("run")) {
      String ws = run.awaitLine("WebSocket", 10);
      assertTrue(ws.contains("ws://127.0.0.1:" + run.http + "/ws"), ws);

      InetSocketAddress address = new InetSocketAddress("127.0.0.1", run.http);
      String user = Ids.user("runner");
      String token = new Api(address).registerAndLogin(user);
      try (WsClient client = WsClient.json(address)) {
        assertEquals(user, client.hello(token, "cli", null).get("user").asText());
      }
    }
  }

  /**
   * {@code ./parley run --tls}: a development certificate in data/tls (made once, reused), wss://
   * and https:// printed, and both ports over TLS for a client that trusts the printed PEM.
   */
  @Test
  void parleyRunTlsServesWssHttpsAndTlsTcpUnderADevelopmentCertificate() throws Exception {
    Path pem = Path.of("data", "tls", "dev-cert.pem");
    // Made by the first run on a checkout (as in CI), reused by every later one.
    byte[] before = Files.exists(pem) ? Files.readAllBytes(pem) : null;
    try (Launched run = Launched.start("run", "--tls")) {
      if (before == null) assertTrue(run.printed("Making a self-signed"), "made: " + run.all);
      else assertFalse(run.printed("Making a self-signed"), "reused: " + run.all);
      String ws = run.awaitLine("WebSocket", 10);
      assertTrue(ws.contains("wss://127.0.0.1:" + run.http + "/ws"), ws);
      String rest = run.awaitLine("REST", 10);
      assertTrue(rest.contains("https://127.0.0.1:" + run.http + "/api/v1"), rest);
      String tcpLine = run.awaitLine("TCP", 10);
      assertTrue(tcpLine.contains("TLS"), tcpLine);
      assertTrue(run.printed("curl --cacert data/tls/dev-cert.pem"), "says how to trust it");

      TestTls trusted = TestTls.trusting(pem);
      InetSocketAddress http = new InetSocketAddress("127.0.0.1", run.http);
      String user = Ids.user("tls-runner");
      String token = new Api(http, trusted).registerAndLogin(user);
      try (WsClient client = WsClient.json(http, trusted)) {
        assertEquals(user, client.hello(token, "wss", null).get("user").asText());
      }
      try (TcpClient tcp = new TcpClient(new InetSocketAddress("127.0.0.1", run.tcp), trusted)) {
        assertEquals(user, tcp.hello(token, "tls-tcp", null).get("user").asText());
      }
    }
    if (before != null) assertArrayEquals(before, Files.readAllBytes(pem), "reused as it was");
  }

  /** A {@code ./parley} command on free ports, against the test Cassandra, up once it says so. */
  private static final class Launched implements AutoCloseable {
    final int http;
    final int tcp;
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> all = new ArrayList<>();

    private Launched(String... command) throws Exception {
      http = freePort();
      tcp = freePort();
      List<String> args = new ArrayList<>(List.of("./parley"));
      args.addAll(List.of(command));
      ProcessBuilder builder =
          new ProcessBuilder(args).directory(new File(".")).redirectErrorStream(true);
      builder.environment().put("PARLEY_CASSANDRA_CONTACT_POINTS", TestNodes.cassandra());
      builder.environment().put("PARLEY_HTTP_PORT", Integer.toString(http));
      builder.environment().put("PARLEY_TCP_PORT", Integer.toString(tcp));
      builder.environment().put("PARLEY_REMOTE_PORT", Integer.toString(freePort()));
      builder.environment().put("PARLEY_MANAGEMENT_PORT", Integer.toString(freePort()));
      builder.environment().put("PARLEY_TOKEN_SECRET", TestNodes.TOKEN_SECRET);
      builder.environment().remove("PARLEY_TLS_KEYSTORE");
      process = builder.start();
      Thread reader = new Thread(() -> pump(process, lines), "parley-run-output");
      reader.setDaemon(true);
      reader.start();
    }

    static Launched start(String... command) throws Exception {
      Launched run = new Launched(command);
      try {
        run.awaitLine("Parley node up", 180);
        return run;
      } catch (Exception | AssertionError e) {
        run.close();
        throw e;
      }
    }

    String awaitLine(String text, int seconds) throws InterruptedException {
      return LauncherTest.awaitLine(lines, all, text, seconds);
    }

    boolean printed(String text) {
      return all.stream().anyMatch(line -> line.contains(text));
    }

    @Override
    public void close() throws Exception {
      List<ProcessHandle> children = process.descendants().toList();
      process.destroy(); // SIGTERM, as Ctrl-C or a service manager would stop it
      boolean stopped = process.waitFor(60, TimeUnit.SECONDS);
      List<ProcessHandle> left = children.stream().filter(ProcessHandle::isAlive).toList();
      left.forEach(ProcessHandle::destroyForcibly);
      lines.drainTo(all);
      assertTrue(stopped, "parley run stops within 60 s: " + all);
      assertTrue(
          left.isEmpty(), "parley run stopped the node it started: " + left + "; output: " + all);
    }
  }

  /** The operator's extra options come after the file's, so that java takes theirs. */
  @Test
  void embeddedCassandraTakesExtraJvmOptionsLast() throws Exception {
    List<String> plain = cassandraJvmOptions("");
    assertTrue(plain.contains("-Xmx768m"), "the options file's heap: " + plain);
    assertTrue(plain.stream().noneMatch(String::isBlank), "no blank options: " + plain);

    List<String> extended = cassandraJvmOptions("  -Xmx1g   -Xlog:gc:file=gc.log ");
    assertEquals(plain, extended.subList(0, plain.size()));
    assertEquals(
        List.of("-Xmx1g", "-Xlog:gc:file=gc.log"), extended.subList(plain.size(), extended.size()));
  }

  private static List<String> cassandraJvmOptions(String extra) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                "bash",
                "-c",
                "PARLEY_ROOT=. && source scripts/cassandra.sh && cassandra_jvm_options")
            .directory(new File("."));
    builder.environment().put("PARLEY_CASSANDRA_JVM_OPTS", extra);
    Process process = builder.start();
    List<String> lines;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      lines = out.lines().toList();
    }
    String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "cassandra_jvm_options finishes");
    assertEquals(0, process.exitValue(), "cassandra_jvm_options failed: " + errors);
    return lines;
  }

  private static void pump(Process process, BlockingQueue<String> lines) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) lines.add(line);
    } catch (IOException e) {
      lines.add("<output closed: " + e.getMessage() + ">");
    }
  }

  private static String awaitLine(
      BlockingQueue<String> lines, List<String> all, String text, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) break;
      all.add(line);
      if (line.contains(text)) return line;
    }
    throw new AssertionError(
        "no line with \"" + text + "\" within " + seconds + " s; output: " + all);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
