package io.parley.edge.session;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.ClientFrame;
import io.parley.testing.Api;
import io.parley.testing.Endpoints;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TcpClient;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the contract (docs/protocol.md, Part 1) says each request is answered, on the real node and
 * over every transport: a hello without a token is unauthorized and closes the socket; every
 * request with a rid gets exactly one reply echoing it, welcome and the refusals before it too.
 */
@Integration
@ExtendWith(TestNodes.class)
class ContractRepliesTest {

  /** Hellos whose token is missing, empty or not a string. */
  private static List<ObjectNode> tokenlessHellos() {
    return List.of(
        frame("hello", "rid", "h", "device", "d1"),
        frame("hello", "rid", "h", "token", "", "device", "d1"),
        frame("hello", "rid", "h", "token", 42, "device", "d1"),
        frame("hello", "rid", "h", "token", List.of("t"), "device", "d1"),
        frame("hello", "rid", "h", "token", null, "device", "d1"));
  }

  @Test
  void aHelloWithoutATokenIsUnauthorizedAndClosesTheWebSocketWith4401(Endpoints node)
      throws Exception {
    for (ObjectNode hello : tokenlessHellos()) {
      for (boolean cbor : new boolean[] {false, true}) {
        try (WsClient ws = cbor ? node.cbor() : node.json()) {
          ws.send(hello);
          assertUnauthorized(ws.awaitType("error"), hello);
          assertEquals(4401, ws.awaitClose(), hello + " (cbor " + cbor + ")");
        }
      }
    }
  }

  @Test
  void aHelloWithoutATokenIsUnauthorizedAndClosesTheTcpSocket(Endpoints node) throws Exception {
    for (ObjectNode hello : tokenlessHellos()) {
      try (TcpClient tcp = node.tcp()) {
        tcp.send(hello);
        assertUnauthorized(tcp.awaitType("error"), hello);
        tcp.awaitClose();
      }
    }
  }

  private static void assertUnauthorized(JsonNode error, ObjectNode hello) {
    assertEquals("unauthorized", error.get("code").asText(), hello.toString());
    assertEquals("h", error.path("rid").asText(null), "the refusal echoes the hello's rid");
  }

  @Test
  void welcomeAndEveryRefusalBeforeItEchoTheRid(Endpoints node) throws Exception {
    String token = node.api().registerAndLogin(Ids.user("wendy"));
    for (boolean tcp : new boolean[] {false, true}) {
      try (TestClient client = tcp ? node.tcp() : node.json()) {
        client.send(frame("hello", "rid", "w1", "token", token, "device", "d1"));
        JsonNode welcome = client.awaitType("welcome");
        assertEquals("w1", welcome.path("rid").asText(null));
        client.awaitType("synced");
      }
      try (TestClient client = tcp ? node.tcp() : node.json()) {
        client.send(frame("hello", "rid", "b1", "token", "not-a-token", "device", "d1"));
        assertRefused(client.awaitType("error"), "b1", "unauthorized");
        client.awaitClose();
      }
      try (TestClient client = tcp ? node.tcp() : node.json()) {
        client.sendRaw("{\"type\":\"hello\",\"rid\":\"m1\",\"token\":\"t\",\"device\":\"no way\"}");
        assertRefused(client.awaitType("error"), "m1", "bad_request");
        client.send(frame("ping", "rid", "early"));
        assertRefused(client.awaitType("error"), "early", "unauthorized");
        client.awaitClose();
      }
    }
  }

  private static void assertRefused(JsonNode error, String rid, String code) {
    assertEquals(code, error.get("code").asText(), error.toString());
    assertEquals(rid, error.path("rid").asText(null), error.toString());
  }

  /**
   * One frame of each client type, with a rid, that the node can act on for a user who has a direct
   * conversation with {@code peer} and owns {@code group}.
   */
  private static Map<String, ObjectNode> eachType(String peer, String direct, String group) {
    Map<String, ObjectNode> frames = new LinkedHashMap<>();
    frames.put("hello", frame("hello", "token", "again", "device", "d2"));
    frames.put("ping", frame("ping"));
    frames.put("send", frame("send", "conv", direct, "cid", "c1", "kind", "text", "body", "hi"));
    frames.put("ack", frame("ack", "conv", direct, "seq", 1));
    frames.put("history", frame("history", "conv", direct, "limit", 10));
    frames.put("read", frame("read", "conv", direct, "seq", 1));
    frames.put("typing", frame("typing", "conv", direct));
    frames.put("create", frame("create", "kind", "group", "title", "t", "members", List.of()));
    frames.put("invite", frame("invite", "conv", group, "users", List.of(peer)));
    frames.put("role", frame("role", "conv", group, "user", peer, "role", "admin"));
    frames.put("kick", frame("kick", "conv", group, "user", peer));
    frames.put("title", frame("title", "conv", group, "title", "new title"));
    frames.put("join", frame("join", "conv", "r:" + peer));
    frames.put("leave", frame("leave", "conv", "r:" + peer));
    frames.put("friend_request", frame("friend_request", "user", peer));
    frames.put("friend_accept", frame("friend_accept", "user", peer));
    frames.put("friend_remove", frame("friend_remove", "user", peer));
    frames.put("block", frame("block", "user", peer));
    frames.put("unblock", frame("unblock", "user", peer));
    frames.put("contacts", frame("contacts"));
    frames.put("push_register", frame("push_register", "provider", "webhook", "token", "tok-1"));
    frames.put("push_unregister", frame("push_unregister"));
    frames.put("find_people", frame("find_people", "q", peer.substring(0, 3)));
    frames.put("presence", frame("presence", "users", List.of(peer)));
    frames.put("members", frame("members", "conv", group));
    return frames;
  }

  /** The wire names of every client frame type. */
  private static Set<String> clientFrameTypes() {
    Set<String> names = new TreeSet<>();
    for (JsonSubTypes.Type t : ClientFrame.class.getAnnotation(JsonSubTypes.class).value()) {
      names.add(t.name());
    }
    return names;
  }

  @Test
  void everyClientFrameTypeWithARidGetsExactlyOneReply(Endpoints node) throws Exception {
    Api api = node.api();
    String user = Ids.user("rita");
    String peer = Ids.user("pete");
    String token = api.registerAndLogin(user);
    api.registerAndLogin(peer);
    String direct = Ids.direct(user, peer);
    try (WsClient ws = node.json()) {
      ws.hello(token, "d1", null);
      ws.send(frame("create", "rid", "g", "kind", "group", "title", "t", "members", List.of()));
      String group = ws.awaitReply("g").get("conv").asText();
      Map<String, ObjectNode> frames = eachType(peer, direct, group);
      assertEquals(clientFrameTypes(), new TreeSet<>(frames.keySet()), "a sample of every type");

      Map<String, String> answers = new LinkedHashMap<>();
      for (var each : frames.entrySet()) {
        String rid = "each-" + each.getKey();
        ws.send(each.getValue().put("rid", rid));
        JsonNode reply = ws.awaitReply(rid);
        answers.put(each.getKey(), reply.get("type").asText() + " " + reply.path("code").asText());
      }
      JsonNode second =
          ws.poll(f -> f.path("rid").asText("").startsWith("each-"), Duration.ofSeconds(2));
      assertNull(second, () -> "a second reply: " + second + " after " + answers);
      assertEquals("ok ", answers.get("typing"), answers.toString());
    }
  }
}
