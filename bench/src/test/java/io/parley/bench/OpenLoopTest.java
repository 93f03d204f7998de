package io.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Coordinated omission: a stalled sender must not hide the stall from the latencies. */
class OpenLoopTest {

  @Test
  void latencyCountsFromTheIntendedTimeWhenTheSenderStalls() {
    int count = 300;
    // The test drives time itself: waiting advances the clock, and so does the stall.
    long[] now = {0};
    long start = 20_000_000L;
    OpenLoop loop = new OpenLoop(1000, start, () -> now[0], nanos -> now[0] += nanos); // 1 per ms
    long[] due = new long[count];
    long[] sentAt = new long[count];
    loop.run(
        count,
        (n, intended) -> {
          due[(int) n] = intended;
          sentAt[(int) n] = now[0];
          if (n == 10) now[0] += 200_000_000L; // the sender stalls for 200 ms after message 10
        });

    for (int n = 0; n < count; n++) {
      assertEquals(start + n * 1_000_000L, due[n], "message " + n + " keeps its own intended time");
    }
    // Message 11 was due 1 ms after message 10 but went out after the stall: its latency, counted
    // from when it was due, holds the stall instead of starting afresh.
    long latency11 = sentAt[11] - due[11];
    assertTrue(latency11 >= 190_000_000L, "latency of message 11: " + latency11 / 1e6 + " ms");
    // Every message the stall delayed carries part of it: the loop does not skip them.
    for (int n = 11; n < 150; n++) {
      assertTrue(sentAt[n] - due[n] >= (200 - (n - 10)) * 1_000_000L - 10_000_000L, "message " + n);
    }
    // After catching up, the loop is back on schedule.
    assertTrue(sentAt[count - 1] - due[count - 1] < 100_000_000L, "back on schedule");
  }
}
