package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.timeline.Entry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pushes held during a hello sync: bounded, and what was dropped comes back as a gap to fill. */
class HeldPushesTest {
  private final List<Long> written = new ArrayList<>();
  private final List<String> fills = new ArrayList<>();
  private final OrderedDelivery delivery =
      new OrderedDelivery(
          "ann",
          e -> written.add(e.seq()),
          (conv, from, to) -> fills.add(conv + " " + from + ".." + to),
          500,
          conv -> false);

  private static Entry entry(String conv, long seq) {
    return new Entry(conv, seq, "ann", "c" + seq, "text", null, 0);
  }

  @Test
  void withinTheBoundEverythingIsReleasedInOrder() {
    HeldPushes held = new HeldPushes(10, 1 << 20);
    for (long seq = 1; seq <= 3; seq++) held.hold(entry("g:a", seq));
    held.release(delivery);
    assertEquals(List.of(1L, 2L, 3L), written);
    assertEquals(List.of(), fills);
  }

  @Test
  void pastTheBoundOnlyTheNewestIsKeptAndTheDroppedRunIsReadBack() {
    HeldPushes held = new HeldPushes(2, 1 << 20);
    for (long seq = 1; seq <= 100; seq++) held.hold(entry("g:a", seq));
    held.release(delivery);
    // 1 and 2 were kept; 3..100 were dropped and are read back from the journal.
    assertEquals(List.of(1L, 2L), written);
    assertEquals(List.of("g:a 3..100"), fills);
  }

  @Test
  void aConversationFirstSeenPastTheBoundStartsWhereItsDroppedRunBegan() {
    HeldPushes held = new HeldPushes(1, 1 << 20);
    held.hold(entry("g:a", 1));
    for (long seq = 7; seq <= 9; seq++) held.hold(entry("g:b", seq));
    held.release(delivery);
    assertEquals(List.of(1L), written);
    assertEquals(List.of("g:b 7..9"), fills);
  }

  @Test
  void bodiesPastTheByteBoundAreDroppedAndReadBack() {
    HeldPushes held = new HeldPushes(100, 10_000);
    for (long seq = 1; seq <= 4; seq++) {
      held.hold(
          new Entry("g:a", seq, "ann", "c" + seq, "text", TextNode.valueOf("x".repeat(2_000)), 0));
    }
    held.release(delivery);
    // Each body is held as 4,000 bytes: two fit the 10,000.
    assertEquals(List.of(1L, 2L), written);
    assertEquals(List.of("g:a 3..4"), fills);
  }
}
