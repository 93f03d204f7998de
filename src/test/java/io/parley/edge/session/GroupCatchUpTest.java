package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A group member's device away while they were removed and added again: its next hello catches up
 * nothing of the time they were out, and counts none of it unread, as history shows none of it
 * (docs/protocol.md, "Delivery guarantees").
 */
@Integration
@ExtendWith(TestNodes.class)
class GroupCatchUpTest {

  @Test
  void aMemberRemovedAndAddedAgainWhileAwayCatchesUpOnlyFromTheirReturn(Node node)
      throws Exception {
    Api api = new Api(node.httpAddress());
    String ann = Ids.user("ann");
    String ben = Ids.user("ben");
    String annToken = api.registerAndLogin(ann);
    String benToken = api.registerAndLogin(ben);
    try (WsClient owner = WsClient.json(node.httpAddress())) {
      owner.hello(annToken, "laptop", null);
      String group = created(owner, ben);
      owner.sentSeq(group, "before", "ben is in"); // seq 2

      long cursor;
      try (WsClient phone = WsClient.json(node.httpAddress())) {
        phone.hello(benToken, "phone", null);
        cursor = phone.fullHistory(group).get(1).get("seq").asLong();
      }
      assertEquals(2, cursor);

      ok(owner, TestClient.frame("kick", "rid", "k", "conv", group, "user", ben)); // seq 3
      owner.sentSeq(group, "out1", "said while ben was out"); // seq 4
      owner.sentSeq(group, "out2", "said while ben was out"); // seq 5
      ok(owner, TestClient.frame("invite", "rid", "i", "conv", group, "users", List.of(ben)));
      long back = owner.sentSeq(group, "after", "ben is back"); // seq 7, after the invite (6)

      try (WsClient phone = WsClient.json(node.httpAddress())) {
        phone.hello(benToken, "phone", Map.of(group, cursor));
        JsonNode state = phone.convStates().get(group);
        assertEquals(back, state.get("last_seq").asLong());
        assertEquals(2, state.get("unread").asLong(), "unread counts from the invite only");
        List<Long> caughtUp = phone.msgs(group).stream().map(m -> m.get("seq").asLong()).toList();
        assertEquals(List.of(back - 1, back), caughtUp, "nothing of the time ben was out");
      }
    }
  }

  private static String created(WsClient owner, String member) throws Exception {
    owner.send(
        TestClient.frame(
            "create", "rid", "c", "kind", "group", "title", "t", "members", List.of(member)));
    return owner.awaitReply("c").get("conv").asText();
  }

  private static void ok(WsClient owner, ObjectNode frame) throws Exception {
    owner.send(frame);
    assertEquals("ok", owner.awaitReply(frame.get("rid").asText()).get("type").asText());
  }
}
