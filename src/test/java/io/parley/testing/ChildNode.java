package io.parley.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Parley node in its own JVM ({@code io.parley.node.Main}, as {@code ./parley run} starts it),
 * for tests that kill a node abruptly. Configured only through PARLEY_... variables.
 */
public final class ChildNode implements AutoCloseable {
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  // When each line of output arrived (System.nanoTime), in step with output.
  private final List<Long> arrivals = new CopyOnWriteArrayList<>();
  private final CountDownLatch up = new CountDownLatch(1);
  private final int httpPort;

  private ChildNode(Map<String, String> env, int httpPort) throws IOException {
    this.httpPort = httpPort;
    String classpath =
        "target/classes:" + Files.readString(Path.of("target/runtime.classpath")).strip();
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                classpath,
                "io.parley.node.Main")
            .redirectErrorStream(true);
    builder.environment().putAll(env);
    process = builder.start();
    Thread pump = new Thread(this::pump, "child-node-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Ports for one node; reuse them to restart "the same" node after a crash. */
  public record Ports(int http, int tcp, int remote, int management) {
    public static Ports free() throws IOException {
      return new Ports(freePort(), freePort(), freePort(), freePort());
    }
  }

  public static ChildNode start(Ports ports, Map<String, String> extraEnv) throws Exception {
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "PARLEY_HTTP_PORT", Integer.toString(ports.http()),
                "PARLEY_TCP_PORT", Integer.toString(ports.tcp()),
                "PARLEY_REMOTE_PORT", Integer.toString(ports.remote()),
                "PARLEY_MANAGEMENT_PORT", Integer.toString(ports.management()),
                "PARLEY_CASSANDRA_CONTACT_POINTS", TestNodes.cassandra(),
                "PARLEY_TOKEN_SECRET", TestNodes.TOKEN_SECRET,
                "PARLEY_AT_REST_KEYS_FILE", TestKeys.file(),
                "PARLEY_SELF_JOIN", "on",
                "PARLEY_SEND_RATE", "100000",
                "PARLEY_SEND_BURST", "100000"));
    env.putAll(extraEnv);
    ChildNode node = new ChildNode(env, ports.http());
    if (!node.up.await(180, TimeUnit.SECONDS)) {
      node.kill();
      throw new AssertionError("child node did not start within 180 s: " + node.output);
    }
    return node;
  }

  /** Waits until this node's management API lists {@code members} cluster members as Up. */
  public void awaitMembersUp(int members, int managementPort) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + managementPort + "/cluster/members"))
            .build();
    Await.until(
        () -> {
          try {
            String body =
                http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return body.split("\"status\":\"Up\"", -1).length - 1;
          } catch (IOException e) {
            return 0;
          }
        },
        up -> up >= members,
        java.time.Duration.ofSeconds(90),
        members + " cluster members Up");
  }

  /**
   * When this node first printed a line containing {@code text} at or after {@code sinceNanos}
   * (System.nanoTime, as the line arrived here), or -1 if it has not.
   */
  public long printedAt(String text, long sinceNanos) {
    for (int i = 0; i < output.size() && i < arrivals.size(); i++) {
      if (arrivals.get(i) >= sinceNanos && output.get(i).contains(text)) return arrivals.get(i);
    }
    return -1;
  }

  public InetSocketAddress httpAddress() {
    return new InetSocketAddress("127.0.0.1", httpPort);
  }

  /** SIGKILL: no shutdown hooks, no flushing, sockets dropped mid-frame. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) kill();
  }

  private void pump() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        arrivals.add(System.nanoTime());
        output.add(line);
        if (line.contains("Parley node up")) up.countDown();
      }
    } catch (IOException e) {
      output.add("<output closed: " + e.getMessage() + ">");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
