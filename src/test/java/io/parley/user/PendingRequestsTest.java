package io.parley.user;

import static io.parley.user.Contacting.contacts;
import static io.parley.user.Contacting.op;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Friend requests are bounded on both sides (parley.user.max-pending-requests): other users cannot
 * grow a user's state and `contacts` reply without end, nor one user spray requests.
 */
@Integration
class PendingRequestsTest {
  private static final int MAX = 2;

  @Test
  void requestsBeyondTheCapAreRefusedOnEitherSide() throws Exception {
    try (Node node = TestNodes.start(Map.of("parley.user.max-pending-requests", MAX))) {
      Api api = new Api(node.httpAddress());
      List<WsClient> suitors = new ArrayList<>();
      String starId = Ids.user("star");
      try (WsClient star = api.phone(starId);
          WsClient eager = api.phone(Ids.user("eager"))) {
        for (int i = 0; i <= MAX; i++) suitors.add(api.phone(Ids.user("suitor")));
        for (int i = 0; i < MAX; i++)
          assertEquals("ok", op(suitors.get(i), "friend_request", starId).path("type").asText());
        JsonNode full = op(suitors.get(MAX), "friend_request", starId);
        assertEquals("rate_limited", full.path("code").asText(), full.toString());
        assertEquals(MAX, contacts(star).get("pending_in").size());

        // One user's requests out are capped too.
        List<String> targets = new ArrayList<>();
        for (int i = 0; i <= MAX; i++) {
          String target = Ids.user("target");
          api.registerAndLogin(target);
          targets.add(target);
        }
        for (int i = 0; i < MAX; i++)
          assertEquals("ok", op(eager, "friend_request", targets.get(i)).path("type").asText());
        JsonNode tooMany = op(eager, "friend_request", targets.get(MAX));
        assertEquals("forbidden", tooMany.path("code").asText(), tooMany.toString());
        assertEquals(MAX, contacts(eager).get("pending_out").size());
      } finally {
        for (WsClient s : suitors) s.close();
      }
    }
  }
}
