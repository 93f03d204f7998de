package io.parley.user;

import static io.parley.testing.TestClient.frame;
import static io.parley.user.Contacting.presence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Friends see a user come online with the first device and go offline with the last one. */
@Integration
@ExtendWith(TestNodes.class)
class PresenceTest {

  @Test
  void friendSeesOnlineAtTheFirstDeviceAndOfflineOnlyAfterTheLastOneLeaves(Node node)
      throws Exception {
    Api api = new Api(node.httpAddress());
    String kim = Ids.user("kim");
    String lou = Ids.user("lou");
    String kimToken = api.registerAndLogin(kim);
    String conv = Ids.direct(kim, lou);
    try (WsClient louPhone = api.phone(lou)) {
      try (WsClient kimSetup = WsClient.json(node.httpAddress())) {
        kimSetup.hello(kimToken, "setup", null);
        PeopleTest.befriend(kimSetup, kim, louPhone, lou);
        // A new friend learns the other's presence at once.
        presence(louPhone, kim, "online");
      }
      // Kim's only device left: she is offline again before the test proper starts.
      presence(louPhone, kim, "offline");

      try (WsClient kimPhone = WsClient.json(node.httpAddress());
          WsClient kimLaptop = WsClient.json(node.httpAddress())) {
        kimPhone.hello(kimToken, "phone", null);
        JsonNode online = presence(louPhone, kim, "online");
        assertTrue(online.path("last_seen").isMissingNode(), online.toString());
        kimLaptop.hello(kimToken, "laptop", null);
        louPhone.sentSeq(conv, "c1", "hi kim");
        kimLaptop.awaitMsgs(conv, 1);

        kimPhone.close();
        // Barrier: a read from the laptop travels through Kim's user entity to Lou's socket, so
        // an "offline" announced when the phone left would have come before this receipt.
        kimLaptop.send(frame("read", "rid", "read-1", "conv", conv, "seq", 1));
        assertEquals("ok", kimLaptop.awaitReply("read-1").path("type").asText());
        louPhone.await(
            f -> "read".equals(f.path("type").asText()) && kim.equals(f.path("user").asText()),
            "receipt");
        assertFalse(
            Contacting.hasFrame(louPhone, "presence", kim),
            "still online: the laptop is connected");

        long beforeLastLeft = System.currentTimeMillis();
        kimLaptop.close();
        JsonNode offline = presence(louPhone, kim, "offline");
        assertTrue(offline.path("last_seen").asLong() >= beforeLastLeft, offline.toString());
      }
    }
  }
}
