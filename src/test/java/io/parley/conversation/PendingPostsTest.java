package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Held posts past their deadline leave the queue before a write takes it, with everyone who waits
 * for them; the others stay in arrival order. A retry that joins a held post may extend its
 * deadline, never shorten it.
 */
class PendingPostsTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static Timeline.Posted entry(String from, String cid) {
    return new Timeline.Posted(from, cid, TextNode.valueOf("body " + cid), 1);
  }

  private static List<String> cids(List<PendingPosts.Held> held) {
    return held.stream().map(h -> h.entry().cid()).toList();
  }

  @Test
  void postsPastTheirDeadlineAreDroppedAndTheOthersStayInOrder() {
    PendingPosts pending = new PendingPosts();
    TestProbe<Replies.PostReply> probe = KIT.createTestProbe();
    pending.hold(entry("ann", "a"), probe.getRef(), 1_000);
    pending.hold(entry("ben", "b"), probe.getRef(), 500);
    pending.hold(entry("ann", "c"), probe.getRef(), 0); // no deadline
    pending.hold(entry("ben", "d"), probe.getRef(), 2_000);

    assertTrue(pending.dropLate(500).isEmpty(), "a deadline not yet passed at its own instant");
    assertEquals(List.of("b"), cids(pending.dropLate(501)));
    assertEquals(List.of("a"), cids(pending.dropLate(1_500)));
    assertEquals(List.of("c", "d"), cids(pending.take()));
  }

  @Test
  void aRetryThatJoinsAHeldPostKeepsItForTheLaterDeadlineAndIsDroppedWithIt() {
    PendingPosts pending = new PendingPosts();
    TestProbe<Replies.PostReply> first = KIT.createTestProbe();
    TestProbe<Replies.PostReply> retry = KIT.createTestProbe();
    pending.hold(entry("ann", "a"), first.getRef(), 1_000);
    assertTrue(pending.join("ann", "a", retry.getRef(), 3_000));
    assertTrue(pending.dropLate(2_000).isEmpty(), "the retry's deadline holds it");
    // An earlier deadline of a later retry does not shorten it.
    assertTrue(pending.join("ann", "a", retry.getRef(), 1_500));
    assertTrue(pending.dropLate(2_500).isEmpty());

    List<PendingPosts.Held> late = pending.dropLate(3_001);
    assertEquals(List.of("a"), cids(late));
    assertEquals(
        List.of(first.getRef(), retry.getRef(), retry.getRef()), late.get(0).replyTo(), "waiting");
    assertTrue(pending.isEmpty());
  }

  @Test
  void aRetryWithoutADeadlineKeepsAHeldPostForAnyLongWrite() {
    PendingPosts pending = new PendingPosts();
    TestProbe<Replies.PostReply> probe = KIT.createTestProbe();
    pending.hold(entry("ann", "a"), probe.getRef(), 1_000);
    assertTrue(pending.join("ann", "a", probe.getRef(), 0));
    assertTrue(pending.dropLate(Long.MAX_VALUE).isEmpty());
    assertEquals(List.of("a"), cids(pending.take()));
  }
}
