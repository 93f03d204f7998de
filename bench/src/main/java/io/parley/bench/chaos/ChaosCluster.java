package io.parley.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The nodes of a chaos run and what the nemeses do to them: start, kill, freeze, restart, and wait
 * until the cluster is whole again (every node Up and reachable, seen from every node).
 */
final class ChaosCluster implements AutoCloseable {
  private static final Duration START_WITHIN = Duration.ofSeconds(180);
  private static final Duration STOP_WITHIN = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  final List<ChaosNode> nodes;
  final Netns net; // null without namespaces
  private final Map<String, String> env;
  private final List<String> jvmOptions;
  private final String classpath;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ChaosCluster(
      List<ChaosNode> nodes,
      Netns net,
      Map<String, String> env,
      List<String> jvmOptions,
      String classpath) {
    this.nodes = nodes;
    this.net = net;
    this.env = env;
    this.jvmOptions = jvmOptions;
    this.classpath = classpath;
  }

  /** Node 0 first (it applies the schema and is the seed), then the others at once. */
  void startAll() throws Exception {
    ChaosNode seed = nodes.get(0);
    seed.start(env, jvmOptions, classpath);
    seed.awaitUp(START_WITHIN);
    say(seed + " up");
    for (ChaosNode node : nodes.subList(1, nodes.size())) node.start(env, jvmOptions, classpath);
    for (ChaosNode node : nodes.subList(1, nodes.size())) {
      node.awaitUp(START_WITHIN);
      say(node + " up");
    }
    restoreAll();
  }

  /**
   * Restarts every node that is not running (one a nemesis killed, or one the split-brain resolver
   * downed, which exits once it has shut down: possibly well after the fault), until all are
   * members, Up and reachable again.
   */
  void restoreAll() throws Exception {
    long deadline = System.nanoTime() + START_WITHIN.toNanos();
    while (true) {
      for (ChaosNode node : nodes) {
        if (!node.running()) {
          say(node + " is not running: starting it again");
          node.start(env, jvmOptions, classpath);
          node.awaitUp(START_WITHIN);
        }
      }
      String missing = wholeness();
      if (missing == null) return;
      if (System.nanoTime() > deadline) throw new IOException("cluster not whole: " + missing);
      Thread.sleep(500); // polling processes and management endpoints: nothing to wait on
    }
  }

  void restart(ChaosNode node) throws Exception {
    node.terminate(STOP_WITHIN);
    node.start(env, jvmOptions, classpath);
    node.awaitUp(START_WITHIN);
  }

  /** Null if every node sees all nodes Up and reachable, else what is missing. */
  private String wholeness() {
    for (ChaosNode node : nodes) {
      if (!node.running()) return node + " is not running";
      try {
        JsonNode members = get(node.management(), "/cluster/members");
        int up = 0;
        for (JsonNode m : members.path("members")) if ("Up".equals(m.path("status").asText())) up++;
        if (up != nodes.size()) return node + " sees " + up + " of " + nodes.size() + " Up";
        if (members.path("unreachable").size() > 0) return node + " sees unreachable members";
      } catch (Exception e) {
        return node + ": " + e.getMessage();
      }
    }
    return null;
  }

  /** The core node hosting the most conversation entities now (the busiest, under even load). */
  ChaosNode busiestCore() {
    ChaosNode busiest = null;
    long most = -1;
    for (ChaosNode node : nodes) {
      if (!node.isCore() || !node.running()) continue;
      long entities = 0;
      try {
        for (JsonNode region :
            get(node.management(), "/cluster/shards/Conversation").path("regions"))
          entities += region.path("numEntities").asLong();
      } catch (Exception e) {
        entities = 0;
      }
      if (entities > most) {
        most = entities;
        busiest = node;
      }
    }
    say("busiest core: " + busiest + " with " + most + " conversation entities");
    return busiest;
  }

  List<InetSocketAddress> edges() {
    return nodes.stream().filter(ChaosNode::isEdge).map(ChaosNode::http).toList();
  }

  private JsonNode get(InetSocketAddress address, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://" + address.getHostString() + ":" + address.getPort() + path))
            .timeout(Duration.ofSeconds(3))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) throw new IOException(path + ": " + response.statusCode());
    return JSON.readTree(response.body());
  }

  static void say(String line) {
    System.out.printf("[%s] %s%n", java.time.LocalTime.now().withNano(0), line);
  }

  @Override
  public void close() {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (ChaosNode node : nodes) {
      stops.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  node.terminate(STOP_WITHIN);
                } catch (Exception e) {
                  say(node + ": " + e.getMessage());
                }
              }));
    }
    stops.forEach(CompletableFuture::join);
  }
}
