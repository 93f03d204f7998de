package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Await;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;

/**
 * When sharding stops a user entity (here by passivation, which sends the same stop message as a
 * shard's hand-off to another node), its sessions attach again to wherever it starts next, and a
 * push that reached the new incarnation before them still reaches the socket, promptly: in ./parley
 * chaos's pause run a new conversation's seq 1 missed every device of a user whose entity had
 * moved, until they paged it. Refresh is set far beyond the test, so only this can deliver.
 */
@Integration
class UserEntityStopsTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(10);

  @Test
  void aPushToAUserWhoseEntityStoppedReachesTheSocketPromptly() throws Exception {
    Map<String, Object> settings =
        Map.of(
            "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout", "2s",
            "parley.session.refresh", "10m",
            // Wide, so the new incarnation usually takes the push before the session re-attaches.
            "parley.session.reattach-spread", "3s");
    try (Node node = TestNodes.start(settings)) {
      Api api = new Api(node.httpAddress());
      String alice = Ids.user("alice");
      String bob = Ids.user("bob");
      try (WsClient aliceWs = api.phone(alice);
          WsClient bobWs = api.phone(bob)) {
        String conv = Ids.direct(alice, bob);
        // Idle, Alice's user entity is passivated: it stops, knowing her session.
        Await.until(() -> hostedUsers(node), users -> !users.contains(alice), PROMPTLY, "stop");

        // The first entry of a conversation Alice's socket has never seen.
        long seq = bobWs.sentSeq(conv, "c1", "hello");
        long stored = System.nanoTime();

        assertEquals(1, seq);
        assertTrue(aliceWs.hasMsgs(conv, 1, PROMPTLY), "seq 1 reached Alice's socket");
        System.out.printf(
            "seq 1 reached Alice's socket %d ms after it was stored%n",
            (System.nanoTime() - stored) / 1_000_000);
        // Written from the journal, it is one Alice's session knows she has: her ack is taken.
        aliceWs.send(TestClient.frame("ack", "rid", "ack1", "conv", conv, "seq", 1));
        assertEquals("ok", aliceWs.awaitReply("ack1").path("type").asText());
        bobWs.sentSeq(conv, "c2", "again");
        assertEquals(
            java.util.List.of(1L, 2L),
            aliceWs.awaitMsgs(conv, 2).stream().map(m -> m.get("seq").asLong()).toList());
      }
    }
  }

  private static Set<String> hostedUsers(Node node) throws Exception {
    CurrentShardRegionState state =
        AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
                ClusterSharding.get(node.system()).shardState(),
                replyTo -> new GetShardRegionState(UserEntity.ENTITY_KEY, replyTo),
                Duration.ofSeconds(10),
                node.system().scheduler())
            .toCompletableFuture()
            .get();
    Set<String> ids = new HashSet<>();
    state.getShards().forEach(shard -> ids.addAll(shard.getEntityIds()));
    return ids;
  }
}
