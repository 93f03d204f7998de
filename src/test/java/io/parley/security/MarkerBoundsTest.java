package io.parley.security;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Read markers and delivery acks beyond a conversation's last seq cannot hide later entries. */
@Integration
@ExtendWith(TestNodes.class)
class MarkerBoundsTest {

  @Test
  void aReadAboveTheLastSeqDoesNotHideTheNextMessage(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String reader = Ids.user("reader");
    String writer = Ids.user("writer");
    String readerToken = api.registerAndLogin(reader);
    String conv = Ids.direct(reader, writer);
    try (WsClient w = api.phone(writer);
        WsClient r = WsClient.json(node.httpAddress())) {
      w.sentSeq(conv, "m1", "one");
      w.sentSeq(conv, "m2", "two");
      r.hello(readerToken, "phone", null);
      r.send(frame("read", "rid", "far", "conv", conv, "seq", 1_000_000));
      assertEquals("ok", r.awaitReply("far").path("type").asText());
      w.sentSeq(conv, "m3", "three");
      r.awaitMsgs(conv, 1);
    }
    try (WsClient again = WsClient.json(node.httpAddress())) {
      again.hello(readerToken, "laptop", null);
      JsonNode state = again.convStates().get(conv);
      assertEquals(3, state.get("last_seq").asLong(), state.toString());
      assertEquals(2, state.get("read_seq").asLong(), state.toString());
      assertEquals(1, state.get("unread").asLong(), state.toString());
    }
  }

  @Test
  void anAckAboveTheLastSeqDoesNotSkipCatchUp(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String device = Ids.user("device");
    String writer = Ids.user("writer");
    String token = api.registerAndLogin(device);
    String conv = Ids.direct(device, writer);
    try (WsClient w = api.phone(writer)) {
      w.sentSeq(conv, "m1", "one");
      try (WsClient d = WsClient.json(node.httpAddress())) {
        d.hello(token, "phone", null);
        d.send(frame("ack", "rid", "far", "conv", conv, "seq", 1_000_000));
        assertEquals("ok", d.awaitReply("far").path("type").asText());
      }
      w.sentSeq(conv, "m2", "two");
      // The same device comes back without cursors: its stored cursor says what it holds.
      try (WsClient d = WsClient.json(node.httpAddress())) {
        d.hello(token, "phone", null);
        JsonNode caughtUp = d.awaitMsgs(conv, 1).get(0);
        assertEquals(2, caughtUp.get("seq").asLong(), caughtUp.toString());
      }
    }
  }
}
