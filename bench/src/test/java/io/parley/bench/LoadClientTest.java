package io.parley.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The load tool's client when the node goes away during setup, on a real socket. */
class LoadClientTest {
  @Test
  void aSetupRequestOnASocketTheServerClosedFailsAtOnceAndNamesTheSocket() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        WebSocketWire wire = new WebSocketWire()) {
      CompletableFuture<Void> upgradedThenGone =
          CompletableFuture.runAsync(
              () -> {
                try (Socket s = server.accept()) {
                  FakeUpgrade.answer(s.getInputStream(), s.getOutputStream());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      LoadClient client = LoadClient.connect(wire, "127.0.0.1", server.getLocalPort(), 7, "carol");
      upgradedThenGone.get(30, TimeUnit.SECONDS);
      // Whether the close is seen before or after the join goes out, the answer is an error at
      // once (not a wait for the setup bound) that says which socket and why.
      IllegalStateException failed =
          assertThrows(
              IllegalStateException.class,
              () -> client.answer(client.request("join", ",\"conv\":\"r:x\""), "answer to join"));
      assertTrue(failed.getMessage().contains("answer to join on socket 7"), failed.getMessage());
      assertTrue(failed.getMessage().contains("socket closed"), failed.getMessage());
    }
  }
}
