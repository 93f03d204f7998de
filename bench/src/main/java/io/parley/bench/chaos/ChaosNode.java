package io.parley.bench.chaos;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Parley node as a process of its own, so that a nemesis can kill it with SIGKILL, freeze it
 * with SIGSTOP or stop it with SIGTERM like an orchestrator would. Node i has HTTP 8080+i, TCP
 * 7070+i, Artery 25520+i and management 8558+i on its host address; its output goes to node-i.log
 * in the run's directory, appended across restarts.
 */
final class ChaosNode {
  private static final String UP_LINE = "Parley node up";

  final int index;
  final String roles;
  final String host;
  private final boolean inNamespace;
  private final Path log;
  private Process process;
  private long logOffset;

  ChaosNode(int index, String roles, String host, boolean inNamespace, Path dir) {
    this.index = index;
    this.roles = roles;
    this.host = host;
    this.inNamespace = inNamespace;
    this.log = dir.resolve("node-" + index + ".log");
  }

  boolean isEdge() {
    return roles.contains("edge");
  }

  boolean isCore() {
    return roles.contains("core");
  }

  InetSocketAddress http() {
    return new InetSocketAddress(host, 8080 + index);
  }

  InetSocketAddress management() {
    return new InetSocketAddress(host, 8558 + index);
  }

  String artery() {
    return host + ":" + (25520 + index);
  }

  /** Starts the node's JVM (does not wait for it: see {@link #awaitUp}). */
  synchronized void start(Map<String, String> env, List<String> jvmOptions, String classpath)
      throws IOException {
    List<String> command = new ArrayList<>();
    if (inNamespace) command.addAll(Netns.exec(index));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, "io.parley.node.Main"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().put("PARLEY_ROLES", roles);
    builder.environment().put("PARLEY_HOST", host);
    builder.environment().put("PARLEY_HTTP_PORT", Integer.toString(8080 + index));
    builder.environment().put("PARLEY_TCP_PORT", Integer.toString(7070 + index));
    builder.environment().put("PARLEY_REMOTE_PORT", Integer.toString(25520 + index));
    builder.environment().put("PARLEY_MANAGEMENT_PORT", Integer.toString(8558 + index));
    builder.environment().put("PARLEY_APPLY_SCHEMA", index == 0 ? "on" : "off");
    Files.createDirectories(log.getParent());
    logOffset = Files.exists(log) ? Files.size(log) : 0;
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = builder.start();
  }

  /** Waits until this incarnation logged that it is up; fails with its last lines if it died. */
  void awaitUp(Duration within) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!incarnationLog().contains(UP_LINE)) {
      if (!running()) throw new IOException("node " + index + " exited at start:\n" + tail());
      if (System.nanoTime() > deadline) {
        throw new IOException("node " + index + " not up within " + within + ":\n" + tail());
      }
      Thread.sleep(200); // polling a log file: nothing to wait on
    }
  }

  synchronized boolean running() {
    return process != null && process.isAlive();
  }

  synchronized long pid() {
    return process.pid();
  }

  /** SIGKILL: no leave, no hand-off; the cluster must notice and fail over. */
  void kill() throws IOException, InterruptedException {
    if (!running()) return;
    Shell.signal(pid(), "KILL");
    process.waitFor();
  }

  void freeze() throws IOException {
    Shell.signal(pid(), "STOP");
  }

  void thaw() throws IOException {
    Shell.signal(pid(), "CONT");
  }

  /** SIGTERM, as a rolling update sends: waits for the node to drain and leave (bounded). */
  void terminate(Duration within) throws IOException, InterruptedException {
    if (!running()) return;
    Shell.signal(pid(), "TERM");
    if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      kill();
      throw new IOException("node " + index + " did not stop within " + within + "; killed");
    }
  }

  String tail() throws IOException {
    List<String> lines = incarnationLog().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private String incarnationLog() throws IOException {
    if (!Files.exists(log)) return "";
    try (var channel = Files.newByteChannel(log, StandardOpenOption.READ)) {
      channel.position(logOffset);
      var bytes = new java.io.ByteArrayOutputStream();
      var buffer = java.nio.ByteBuffer.allocate(64 * 1024);
      while (channel.read(buffer) > 0) {
        bytes.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public String toString() {
    return "node " + index + " (" + roles + ", " + host + ")";
  }
}
