package io.parley.fuzz;

import io.parley.edge.session.SessionSettings;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.TestClient;
import io.parley.testing.WsClient;
import java.util.List;

/**
 * The ids of one live fuzz: {@code self} fuzzes; {@code pools.main()} is the checked conversation,
 * whose seq 1 is an entry of the peer's ({@link #PEER_CID}), so that recalls and edits of someone
 * else's entry are tried.
 */
record FuzzSetup(Node node, String self, String token, Shapes.Pools pools) {
  static final String PEER_CID = "peer-first";

  /**
   * Two new users (self signed in), a group of theirs, fresh rooms, an id never registered, and
   * conversation ids that are someone else's or no id at all.
   */
  static FuzzSetup create(Node node, String label, SessionSettings settings) throws Exception {
    Api api = new Api(node.httpAddress());
    String self = Ids.user("fz" + label);
    String peer = Ids.user("fz" + label + "p");
    String ghost = Ids.user("fz" + label + "g"); // never registered
    String token = api.registerAndLogin(self);
    String peerToken = api.registerAndLogin(peer);
    String group;
    try (WsClient client = WsClient.json(node.httpAddress())) {
      client.hello(token, "setup", null);
      client.send(
          TestClient.frame(
              "create", "rid", "g", "kind", "group", "title", "fuzz", "members", List.of(peer)));
      group = client.awaitReply("g").get("conv").asText();
    }
    try (WsClient client = WsClient.json(node.httpAddress())) {
      client.hello(peerToken, "setup", null);
      client.send(
          TestClient.frame(
              "send", "rid", "p", "conv", Ids.direct(self, peer), "cid", PEER_CID, "body", "hi"));
      if (client.awaitReply("p").get("seq").asLong() != 1)
        throw new AssertionError("the peer's entry is not seq 1");
    }
    String suffix = self.substring(self.lastIndexOf('-') + 1);
    String unsorted = "d:" + (self.compareTo(peer) < 0 ? peer + ":" + self : self + ":" + peer);
    Shapes.Pools pools =
        new Shapes.Pools(
            self,
            peer,
            ghost,
            Ids.direct(self, peer),
            group,
            List.of("r:fz-a-" + suffix, "r:fz-b-" + suffix),
            List.of(
                Ids.direct(self, ghost),
                Ids.direct(peer, ghost),
                unsorted,
                "d:" + self + ":" + self,
                "g:nosuch" + suffix,
                "x",
                "d:",
                "r:",
                "g:UPPER"),
            settings.maxBodyBytes());
    return new FuzzSetup(node, self, token, pools);
  }
}
