package io.parley.edge.session;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.Api;
import io.parley.testing.Endpoints;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * conv_state carries a title (the contract's section 2): a direct conversation is titled by the
 * other member's nickname, a group by its title; GET /api/v1/conversations says the same.
 */
@Integration
@ExtendWith(TestNodes.class)
class ConvTitlesTest {

  @Test
  void directConversationsAreTitledByTheOtherMembersNicknameAndGroupsByTheirTitle(Endpoints node)
      throws Exception {
    Api api = node.api();
    String ann = Ids.user("ann");
    String ben = Ids.user("ben");
    String annToken = api.registerAndLogin(ann, "Ann Lee");
    String benToken = api.registerAndLogin(ben, "Benjamin ✓");
    String direct = Ids.direct(ann, ben);

    String group;
    try (WsClient annPhone = node.json()) {
      annPhone.hello(annToken, "phone", null);
      annPhone.sentSeq(direct, "c1", "hello");
      annPhone.send(
          frame(
              "create",
              "rid",
              "g",
              "kind",
              "group",
              "title",
              "Book club",
              "members",
              List.of(ben)));
      group = annPhone.awaitReply("g").get("conv").asText();
    }

    try (WsClient annLaptop = node.json();
        WsClient benPhone = node.json()) {
      annLaptop.hello(annToken, "laptop", null);
      Map<String, JsonNode> annStates = annLaptop.convStates();
      assertEquals("Benjamin ✓", annStates.get(direct).get("title").asText());
      assertEquals("Book club", annStates.get(group).get("title").asText());

      benPhone.hello(benToken, "phone", null);
      Map<String, JsonNode> benStates = benPhone.convStates();
      assertEquals("Ann Lee", benStates.get(direct).get("title").asText());
      assertEquals("Book club", benStates.get(group).get("title").asText());
    }

    assertEquals("Benjamin ✓", api.conversation(annToken, direct).get("title").asText());
    assertEquals("Book club", api.conversation(annToken, group).get("title").asText());
    assertEquals("Ann Lee", api.conversation(benToken, direct).get("title").asText());
  }
}
