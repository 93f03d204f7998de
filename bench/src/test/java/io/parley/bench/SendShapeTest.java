package io.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default shapes stay under the node's per-socket send limit; the ones that do not say so. */
class SendShapeTest {
  @Test
  void directDefaultsToManyQuietConversationsAckingEachMessage() {
    Options o = Options.parse("--scenario", "direct", "--rate", "3000");
    assertEquals(1000, o.pairs());
    assertTrue(o.acksEach());
    assertEquals(100, o.bodyBytes());
    // 2,000 sockets: 1.5 sends/s each; a conversation gets 3 msgs/s.
    assertEquals(1.5, SendShape.busiestShare(o) * 3000, 1e-9);
    assertNull(SendShape.warning(o));
  }

  @Test
  void mixedSplitsTheSendsHalfAndHalfAndStaysUnderTheLimit() {
    Options o = Options.parse("--scenario", "mixed", "--rate", "3000");
    assertEquals(500, o.pairs());
    assertEquals(100, o.groups());
    assertEquals(8, o.groupSize());
    assertEquals(8, o.sendersPerGroup());
    // 1,000 direct senders and 800 group senders over 2,000 slots: a fifth of the group
    // senders take two slots.
    assertEquals(3.0, SendShape.busiestShare(o) * 3000, 1e-9);
    assertNull(SendShape.warning(o));
    List<String> slots =
        SendShape.halfAndHalf(Collections.nCopies(1000, "d"), Collections.nCopies(800, "g"));
    assertEquals(2000, slots.size());
    assertEquals(1000, Collections.frequency(slots, "g"));
  }

  @Test
  void hotKeepsTheOldShapeAndWarnsWhenItNeedsTheLimitsRaised() {
    Options hot = Options.parse("--scenario", "hot");
    assertEquals(50, hot.pairs());
    assertFalse(hot.acksEach());
    assertEquals(1000, hot.ackIntervalMs());
    assertNull(SendShape.warning(hot), "1,000 msgs/s over 100 sockets is 10/s each");
    String warning = SendShape.warning(Options.parse("--scenario", "hot", "--rate", "3000"));
    assertTrue(
        warning.contains("30.0/s")
            && warning.contains("PARLEY_SEND_RATE")
            && warning.contains("PARLEY_SEND_BURST"),
        warning);
    String findMax = SendShape.warning(Options.parse("--scenario", "hot", "--find-max"));
    assertTrue(findMax.contains("past 1500 msgs/s"), findMax);
  }

  @Test
  void acksAreEachOrBatchAndIdleHasOneSocketPerUser() {
    assertFalse(Options.parse("--acks", "batch").acksEach());
    assertThrows(IllegalArgumentException.class, () -> Options.parse("--acks", "sometimes"));
    assertEquals(1, Options.parse("--scenario", "idle").socketsPerUser());
  }
}
