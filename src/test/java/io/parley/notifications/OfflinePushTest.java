package io.parley.notifications;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Await;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * End to end, over the wire: a member with a registered phone and no live session gets one signed
 * push per burst at the operator's webhook, with the exact badge; while the phone is connected it
 * gets none. The node, its user entities and its queue are the real ones.
 */
@Integration
class OfflinePushTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SECRET = "0123456789abcdef0123456789abcdef-e2e";

  /** A request the webhook received, and whether its signature held. */
  private record Received(JsonNode body, boolean signed) {}

  @Test
  void anOfflineMemberGetsOneSignedPushPerBurstWithTheExactBadge() throws Exception {
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String ts = exchange.getRequestHeaders().getFirst("X-Parley-Timestamp");
          String signature = exchange.getRequestHeaders().getFirst("X-Parley-Signature");
          received.add(
              new Received(JSON.readTree(body), ("v1=" + hmac(ts, body)).equals(signature)));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    hook.start();
    Path secret = Files.createTempFile("webhook", ".secret");
    Files.writeString(secret, SECRET + "\n");
    try (Node node =
        TestNodes.start(
            Map.of(
                "parley.push.webhook.enabled",
                "on",
                "parley.push.webhook.url",
                "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook",
                "parley.push.webhook.secret-file",
                secret.toString(),
                "parley.push.coalesce",
                "500ms"))) {
      Api api = new Api(node.httpAddress());
      String ann = Ids.user("ann");
      String ben = Ids.user("ben");
      String annToken = api.registerAndLogin(ann);
      String benToken = api.registerAndLogin(ben);
      String conv = Ids.direct(ann, ben);

      try (WsClient sender = WsClient.json(node.httpAddress())) {
        sender.hello(annToken, "laptop", null);
        // ben's phone registers for pushes over its socket; while connected it gets none.
        try (WsClient phone = WsClient.json(node.httpAddress())) {
          phone.hello(benToken, "phone", null);
          phone.send(
              TestClient.frame(
                  "push_register", "rid", "p", "provider", "webhook", "token", "ben-phone-token"));
          assertEquals("ok", phone.awaitReply("p").get("type").asText());
          sender.sentSeq(conv, "live", "seen live");
          phone.awaitMsgs(conv, 1);
        }
        // Offline now: a burst of three is one push of the latest seq, count 3.
        for (int i = 1; i <= 3; i++) sender.sentSeq(conv, "off" + i, "while away " + i);
        Await.until(() -> received, r -> !r.isEmpty(), WAIT, "the push at the webhook");
        // One more, after that push: the next push is its own (so the burst made one, and the
        // live entry none).
        sender.sentSeq(conv, "later", "and later");
        Await.until(() -> received, r -> r.size() >= 2, WAIT, "the second push");
        JsonNode push = received.get(0).body();
        JsonNode next = received.get(1).body();
        assertTrue(received.get(0).signed() && received.get(1).signed(), "signatures verify");
        assertEquals(5, next.get("seq").asLong());
        assertEquals(1, next.get("count").asLong());
        assertEquals(5, next.get("badge").asLong());
        assertEquals(ben, push.get("user").asText());
        assertEquals("phone", push.get("device").asText());
        assertEquals("ben-phone-token", push.get("token").asText());
        assertEquals(conv, push.get("conv").asText());
        assertEquals(4, push.get("seq").asLong());
        assertEquals(3, push.get("count").asLong());
        // The live entry was delivered, not read: unread is all four.
        assertEquals(4, push.get("badge").asLong());
        assertEquals(ann, push.get("sender").asText());
        assertFalse(push.has("text"), "no preview unless the device asked for one");
      }
    } finally {
      hook.stop(0);
      Files.deleteIfExists(secret);
    }
  }

  private static String hmac(String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
