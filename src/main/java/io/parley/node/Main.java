package io.parley.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.TimeUnit;

/** Starts one Parley node from conf/application.conf and the PARLEY_... environment. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
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
    System.out.println("Parley node up in " + ms + " ms, roles " + config.getStringList("pekko.cluster.roles"));
    if (node.httpAddress() != null) {
      String http = node.httpAddress().getHostString() + ":" + node.httpAddress().getPort();
      System.out.println("  WebSocket  ws://" + http + "/ws  (subprotocols parley.v1.json, parley.v1.cbor)");
      System.out.println("  REST       http://" + http + "/api/v1");
      System.out.println("  Web client  http://" + http + "/");
      System.out.println(
          "  TCP        " + node.tcpAddress().getHostString() + ":" + node.tcpAddress().getPort()
              + "  (4-byte length + JSON frames)");
    }
    System.out.println("Stop with Ctrl-C.");
    node.system().getWhenTerminated().toCompletableFuture().get();
  }
}
