package io.parley.moderation;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Await;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The moderation hook on a real node, with a stand-in moderation service: allow, reject, replace,
 * the filter before it, no answer in time (fail closed, and fail open on a node of its own), the
 * kinds it is asked about, and sends stored in the order sent whatever order the answers come in.
 */
@Integration
class ModerationHookTest {
  private static StandInModeration service;
  private static Node node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    service = new StandInModeration();
    node =
        TestNodes.start(
            Map.of(
                "parley.filter.hook.url", service.url(),
                "parley.filter.hook.secret", "s3cret",
                "parley.filter.hook.kinds", List.of("direct", "group"),
                "parley.filter.hook.timeout", "2s",
                "parley.filter.hook.on-failure", "closed",
                "parley.filter.words", List.of("darn"),
                "parley.filter.direct", "mask"));
    api = new Api(node.httpAddress());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    service.close();
  }

  @Test
  void theServiceAllowsRejectsOrReplacesWhatTheFilterPassed() throws Exception {
    String ann = Ids.user("ann");
    String bob = Ids.user("bob");
    String conv = Ids.direct(ann, bob);
    api.registerAndLogin(bob);
    try (WsClient annPhone = api.phone(ann)) {
      assertEquals("sent", annPhone.sendText(conv, "a1", "hello").path("type").asText());
      JsonNode refused = annPhone.sendText(conv, "a2", "buy spam now");
      assertEquals("content_rejected", refused.path("code").asText(), refused.toString());
      assertEquals("sent", annPhone.sendText(conv, "a3", "shout darn it").path("type").asText());
      List<JsonNode> stored = annPhone.fullHistory(conv);
      assertEquals(2, stored.size(), stored.toString());
      assertEquals("hello", stored.get(0).get("body").asText());
      // The service saw the body as the filter left it, and replaced it.
      assertEquals("SHOUT *** IT", stored.get(1).get("body").asText());

      JsonNode asked = last(service.requests(), "shout *** it");
      assertEquals(conv, asked.get("conv").asText());
      assertEquals("direct", asked.get("kind").asText());
      assertEquals(ann, asked.get("from").asText());
      assertTrue(service.authorizations().contains("Bearer s3cret"));
    }
  }

  @Test
  void noAnswerInTimeFailsClosedAndStoresNothing() throws Exception {
    String cat = Ids.user("cat");
    String dan = Ids.user("dan");
    String conv = Ids.direct(cat, dan);
    api.registerAndLogin(dan);
    try (WsClient catPhone = api.phone(cat)) {
      JsonNode refused = catPhone.sendText(conv, "h1", "hang on");
      assertEquals("unavailable", refused.path("code").asText(), refused.toString());
      assertEquals(List.of(), catPhone.fullHistory(conv));
    }
  }

  @Test
  void sendsAreStoredInTheOrderSentWhateverOrderTheAnswersComeIn() throws Exception {
    String eve = Ids.user("eve");
    String fay = Ids.user("fay");
    String conv = Ids.direct(eve, fay);
    api.registerAndLogin(fay);
    try (WsClient evePhone = api.phone(eve)) {
      evePhone.send(frame("send", "rid", "o1", "conv", conv, "cid", "o1", "body", "hold: first"));
      evePhone.send(frame("send", "rid", "o2", "conv", conv, "cid", "o2", "body", "second"));
      // The service has answered "second" (it never holds it) while "first" is still held.
      Await.until(
          () -> service.requests().stream().anyMatch(r -> r.path("body").asText().equals("second")),
          seen -> seen,
          Duration.ofSeconds(10),
          "the service asked about the second send");
      service.release();
      long first = evePhone.awaitReply("o1").get("seq").asLong();
      long second = evePhone.awaitReply("o2").get("seq").asLong();
      assertEquals(List.of(1L, 2L), List.of(first, second));
    }
  }

  @Test
  void kindsTheServiceIsNotAskedAboutPass() throws Exception {
    String gil = Ids.user("gil");
    String room = "r:" + Ids.user("hookroom");
    try (WsClient gilPhone = api.phone(gil)) {
      gilPhone.send(frame("join", "rid", "j", "conv", room));
      assertEquals("ok", gilPhone.awaitReply("j").path("type").asText());
      assertEquals("sent", gilPhone.sendText(room, "s1", "spam in a room").path("type").asText());
      assertTrue(
          service.requests().stream().noneMatch(r -> room.equals(r.path("conv").asText())),
          "rooms are not in parley.filter.hook.kinds");
    }
  }

  @Test
  void aServiceThatCannotBeReachedFailsOpenWhenSetSo() throws Exception {
    // Nothing listens on port 9 (discard) of the loopback in the test machine's sandbox.
    try (Node open =
        TestNodes.start(
            Map.of(
                "parley.filter.hook.url", "http://127.0.0.1:9/moderate",
                "parley.filter.hook.timeout", "1s",
                "parley.filter.hook.on-failure", "open"))) {
      Api openApi = new Api(open.httpAddress());
      String hal = Ids.user("hal");
      String ivy = Ids.user("ivy");
      openApi.registerAndLogin(ivy);
      try (WsClient halPhone = openApi.phone(hal)) {
        JsonNode sent = halPhone.sendText(Ids.direct(hal, ivy), "p1", "spam, unchecked");
        assertEquals("sent", sent.path("type").asText(), sent.toString());
      }
    }
  }

  private static JsonNode last(List<JsonNode> requests, String body) {
    for (int i = requests.size() - 1; i >= 0; i--) {
      if (body.equals(requests.get(i).path("body").asText())) return requests.get(i);
    }
    throw new AssertionError("the service was not asked about " + body + ": " + requests);
  }
}
