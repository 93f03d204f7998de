package io.parley.moderation;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The word and pattern filter on a real node: direct conversations reject, groups mask, rooms are
 * left alone; words from the settings and from a file.
 */
@Integration
class ContentFilterNodeTest {
  private static Node node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    Path file = Files.createTempFile("parley-words", ".txt");
    file.toFile().deleteOnExit();
    Files.writeString(file, "# from the file\nblimey\n");
    node =
        TestNodes.start(
            Map.of(
                "parley.filter.words",
                List.of("darn", "heck yes"),
                "parley.filter.patterns",
                List.of("fo+\\b"),
                "parley.filter.file",
                file.toString(),
                "parley.filter.direct",
                "reject",
                "parley.filter.group",
                "mask",
                "parley.filter.room",
                "off"));
    api = new Api(node.httpAddress());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aDirectMessageWithAListedWordIsRejectedAndNotStored() throws Exception {
    String ann = Ids.user("ann");
    String bob = Ids.user("bob");
    String conv = Ids.direct(ann, bob);
    api.registerAndLogin(bob);
    try (WsClient annPhone = api.phone(ann)) {
      JsonNode refused = annPhone.sendText(conv, "c1", "well DARN it");
      assertEquals("error", refused.path("type").asText(), refused.toString());
      assertEquals("content_rejected", refused.path("code").asText());
      assertEquals("r-c1", refused.path("rid").asText());
      assertEquals(
          "content_rejected", annPhone.sendText(conv, "c2", "Blimey!").path("code").asText());
      // Not a whole word: stored as sent.
      assertEquals("sent", annPhone.sendText(conv, "c3", "darning socks").path("type").asText());
      List<JsonNode> stored = annPhone.fullHistory(conv);
      assertEquals(1, stored.size(), stored.toString());
      assertEquals("darning socks", stored.get(0).get("body").asText());
    }
  }

  @Test
  void aGroupMessageIsStoredWithItsMatchesMasked() throws Exception {
    String cat = Ids.user("cat");
    String dan = Ids.user("dan");
    try (WsClient catPhone = api.phone(cat);
        WsClient danPhone = api.phone(dan)) {
      catPhone.send(
          frame("create", "rid", "g", "kind", "group", "title", "t", "members", List.of(dan)));
      String conv = catPhone.awaitReply("g").get("conv").asText();
      JsonNode sent = catPhone.sendText(conv, "m1", "Darn, fooo and heck yes!");
      assertEquals("sent", sent.path("type").asText(), sent.toString());
      List<JsonNode> got = danPhone.awaitMsgs(conv, 2); // the group's created entry, then this
      assertEquals("***, *** and ***!", got.get(1).get("body").asText());
      assertEquals("***, *** and ***!", catPhone.fullHistory(conv).get(1).get("body").asText());
    }
  }

  @Test
  void roomsAreNotFilteredWhenTheirActionIsOff() throws Exception {
    String eve = Ids.user("eve");
    String room = "r:" + Ids.user("filterroom");
    try (WsClient evePhone = api.phone(eve)) {
      evePhone.send(frame("join", "rid", "j", "conv", room));
      assertEquals("ok", evePhone.awaitReply("j").path("type").asText());
      assertEquals("sent", evePhone.sendText(room, "r1", "darn foo").path("type").asText());
      assertEquals("darn foo", evePhone.awaitMsgs(room, 1).get(0).get("body").asText());
    }
  }
}
