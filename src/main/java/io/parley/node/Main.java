package io.parley.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.TimeUnit;

/** Starts one Parley node from conf/application.conf and the PARLEY_... environment. */
public final class Main {
  private static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  private Main() {}

  public static void main(String[] args) throws Exception {
    // On a 2-core machine the JDK's common pool has parallelism 1, and CompletableFuture then
    // runs async callbacks (which the Scala-backed stages of Pekko's javadsl ask use) on a new
    // thread per task: ~20,000 threads started in 45 s under load (docs/benchmarks.md). Two
    // workers remove that cost. Set before anything touches the pool; an explicit -D wins.
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
    long started = System.nanoTime();
    Config config = ParleyConfig.load(ConfigFactory.empty());
    Node node;
    try {
      node = Node.start(config, ParleyConfig.SYSTEM_NAME);
    } catch (Exception e) {
      System.err.println("Parley could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    System.out.println(
        "Parley node up in " + ms + " ms, roles " + config.getStringList("pekko.cluster.roles"));
    if (node.httpAddress() != null) {
      String http = node.httpAddress().getHostString() + ":" + node.httpAddress().getPort();
      String s = node.tls() ? "s" : "";
      System.out.println(
          "  WebSocket  ws"
              + s
              + "://"
              + http
              + "/ws  (subprotocols parley.v1.json, parley.v1.cbor)");
      System.out.println("  REST       http" + s + "://" + http + "/api/v1");
      System.out.println("  Web client  http" + s + "://" + http + "/");
      System.out.println(
          "  TCP        "
              + node.tcpAddress().getHostString()
              + ":"
              + node.tcpAddress().getPort()
              + (node.tls() ? "  (TLS; " : "  (")
              + "4-byte length + JSON frames)");
    }
    System.out.println("Stop with Ctrl-C.");
    node.system().getWhenTerminated().toCompletableFuture().get();
  }
}
