package io.parley.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.conversation.ConversationEntity;
import io.parley.conversation.Replies;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;

/**
 * A user placed in more conversations than a socket's outbox holds frames (anyone may add anyone to
 * a group) still connects and syncs: the hello's conv_state and catch-up frames are written at the
 * reader's pace, not all at once (which closed such a user as a slow reader on every reconnect:
 * locked out).
 */
@Integration
class ManyConversationsSyncTest {
  // The node's outbox holds OUTBOX frames; the user is in GROUPS groups and catches up on one
  // entry in each, so the sync is 2 x GROUPS frames: 19 times the outbox (10,000 groups against
  // the default 2,048 is 10 times). -Dparley.test.groups=10000 with -Dparley.test.outbox=2048 runs
  // the full-size case; its setup alone takes many minutes here: the user entity stores the
  // 10,000 links one write after another (~26 a second measured on this box).
  private static final int GROUPS = Integer.getInteger("parley.test.groups", 300);
  private static final int OUTBOX = Integer.getInteger("parley.test.outbox", 32);

  @Test
  void aUserInMoreGroupsThanTheOutboxHoldsConnectsAndCatchesUpOnAll() throws Exception {
    try (Node node = TestNodes.start(Map.of("parley.session.outbound-buffer", OUTBOX))) {
      syncs(node);
    }
  }

  private static void syncs(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String popular = Ids.user("popular");
    String token = api.registerAndLogin(popular);
    ClusterSharding sharding = ClusterSharding.get(node.system());

    List<String> groups = new ArrayList<>();
    Semaphore inFlight = new Semaphore(64);
    List<CompletableFuture<?>> created = new ArrayList<>();
    for (int i = 0; i < GROUPS; i++) {
      String conv = Ids.group("many" + i);
      String title = "g" + i;
      groups.add(conv);
      inFlight.acquire();
      created.add(
          sharding
              .entityRefFor(ConversationEntity.ENTITY_KEY, conv)
              .<Replies.PostReply>ask(
                  r -> new ConversationEntity.Create(popular, title, List.of(), r),
                  Duration.ofSeconds(30))
              .whenComplete((reply, error) -> inFlight.release())
              .toCompletableFuture());
    }
    CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).join();
    Await.until(
        () ->
            sharding
                .entityRefFor(UserEntity.ENTITY_KEY, popular)
                .<UserEntity.Conversations>ask(
                    UserEntity.GetConversations::new, Duration.ofSeconds(10))
                .toCompletableFuture()
                .thenApply(convs -> convs.reads().size())
                // Behind thousands of queued link writes the entity may not answer in time.
                .exceptionally(notYet -> -1)
                .join(),
        n -> n == GROUPS,
        // The user entity stores one link per group, one write after another.
        Duration.ofSeconds(Math.max(120, GROUPS / 10)),
        "the user listing every group");

    Map<String, Long> cursors = new HashMap<>();
    groups.forEach(conv -> cursors.put(conv, 0L));
    try (WsClient phone = WsClient.json(node.httpAddress())) {
      phone.send(TestClient.frame("hello", "token", token, "device", "phone", "cursors", cursors));
      phone.awaitType("welcome");
      phone.awaitType("synced");
      Map<String, JsonNode> states = phone.convStates();
      assertEquals(GROUPS, states.size());
      for (String conv : groups) assertEquals(1, phone.msgs(conv).size(), conv);
    }
  }
}
