package io.parley.bench.chaos;

import static io.parley.bench.chaos.MadeRun.at;
import static io.parley.bench.chaos.MadeRun.attempt;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parley.bench.chaos.Records.Attempt;
import io.parley.bench.chaos.Records.History;
import io.parley.bench.chaos.Records.Outcome;
import io.parley.bench.chaos.Records.Send;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Writable again after a fault: measured per conversation from sends issued after it ended. */
class RecoveryTimesTest {
  private static final long FAULT_END = 100_000;

  private static Send send(String conv, long issuedMs, Attempt... attempts) {
    return new Send(conv, conv + issuedMs, "ta", "d0", at(issuedMs), List.of(attempts));
  }

  private static Send ackedAt(String conv, long issuedMs, long ackedMs) {
    return send(conv, issuedMs, attempt(issuedMs, Outcome.SENT, ackedMs, 1));
  }

  @Test
  void eachConversationCountsTheFirstAckOfASendIssuedAfterTheFault() {
    Records records =
        new Records(
            List.of(
                // quick: an older retry acked first does not count; the post-fault send at +1.5 s
                ackedAt("quick", FAULT_END - 3000, FAULT_END + 500),
                ackedAt("quick", FAULT_END + 1000, FAULT_END + 1500),
                // also: of two post-fault sends, the one acked first counts (+2 s)
                ackedAt("also", FAULT_END + 500, FAULT_END + 4000),
                ackedAt("also", FAULT_END + 1800, FAULT_END + 2000),
                // slow: writable after 13 s, past the 12 s bound
                ackedAt("slow", FAULT_END + 1000, FAULT_END + 13000),
                // never: refused for good
                send(
                    "never",
                    FAULT_END + 2000,
                    attempt(FAULT_END + 2000, Outcome.UNAVAILABLE, FAULT_END + 2100, -1)),
                // held: its device never got to write its send (say, stuck in its hello)
                send("held", FAULT_END + 300),
                // idle: no send after the fault
                ackedAt("idle", FAULT_END - 5000, FAULT_END - 4000)),
            List.of(),
            List.of("quick", "also", "slow", "never", "held", "idle").stream()
                .map(c -> new History(c, List.of(), true))
                .toList());
    RecoveryTimes r = records.recoveryAfter(at(FAULT_END));
    assertEquals(
        List.of(Duration.ofMillis(1500), Duration.ofMillis(2000), Duration.ofMillis(13000)),
        r.times(),
        r.summary());
    assertEquals(Duration.ofMillis(2000), r.p50());
    assertEquals(Duration.ofMillis(13000), r.p99());
    assertEquals(Duration.ofMillis(13000), r.max());
    assertEquals(3, r.notWritable(), r.summary());
    assertEquals(1, r.unmeasured(), r.summary());
    assertEquals(
        List.of(Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofMillis(12000)),
        r.fromIssue());
    assertEquals(
        List.of(
            "held not acked (held100300 by ta/d0 at +0.3: never written)",
            "never not acked (never102000 by ta/d0 at +2.0: UNAVAILABLE +2.0>+2.1)",
            "slow 13000 ms (slow101000 by ta/d0 at +1.0: SENT +1.0>+13.0)"),
        r.notWritableExamples(5));
  }
}
