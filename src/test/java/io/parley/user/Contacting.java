package io.parley.user;

import static io.parley.testing.TestClient.frame;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.TestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Contact ops over a test client, waiting for their replies. */
final class Contacting {
  private static final AtomicInteger rids = new AtomicInteger();

  private Contacting() {}

  /** Sends op {user} with a fresh rid; returns the reply. */
  static JsonNode op(TestClient client, String type, String user) throws Exception {
    String rid = type + "-" + rids.incrementAndGet();
    client.send(frame(type, "rid", rid, "user", user));
    return client.awaitReply(rid);
  }

  static JsonNode contacts(TestClient client) throws Exception {
    String rid = "contacts-" + rids.incrementAndGet();
    client.send(frame("contacts", "rid", rid));
    JsonNode reply = client.awaitReply(rid);
    if (!"contacts".equals(reply.path("type").asText()))
      throw new AssertionError("contacts got " + reply);
    return reply;
  }

  static List<String> list(JsonNode contacts, String field) {
    List<String> out = new ArrayList<>();
    contacts.path(field).forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The next contact event about user (consumed). */
  static JsonNode contactEvent(TestClient client, String event, String user) throws Exception {
    return client.await(
        f ->
            "contact".equals(f.path("type").asText())
                && event.equals(f.path("event").asText())
                && user.equals(f.path("user").asText()),
        "contact " + event + " from " + user);
  }

  /** The next presence frame about user in state (consumed). */
  static JsonNode presence(TestClient client, String user, String state) throws Exception {
    return client.await(
        f ->
            "presence".equals(f.path("type").asText())
                && user.equals(f.path("user").asText())
                && state.equals(f.path("state").asText()),
        "presence " + state + " of " + user);
  }

  static boolean hasFrame(TestClient client, String type, String user) {
    return client.othersSnapshot().stream()
        .anyMatch(
            f -> type.equals(f.path("type").asText()) && user.equals(f.path("user").asText()));
  }
}
