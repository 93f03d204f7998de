package io.parley.testing;

import java.net.InetSocketAddress;

/**
 * A manual check against a running node: registers a user, logs in and says hello. {@code java -cp
 * ... io.parley.testing.Smoke [host] [port]}; prints how long it took.
 */
public final class Smoke {
  private Smoke() {}

  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    String host = args.length > 0 ? args[0] : "127.0.0.1";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
    InetSocketAddress address = new InetSocketAddress(host, port);
    String user = Ids.user("smoke");
    String token = new Api(address).registerAndLogin(user);
    try (WsClient ws = WsClient.json(address)) {
      ws.hello(token, "smoke", null);
    }
    System.out.printf(
        "welcome for %s after %d ms%n", user, (System.nanoTime() - start) / 1_000_000);
  }
}
