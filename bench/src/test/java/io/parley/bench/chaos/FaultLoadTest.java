package io.parley.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.node.Node;
import io.parley.storage.CassandraSettings;
import io.parley.testing.Await;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The chaos load end to end against one real node, with one fault it can make itself (every socket
 * dropped at once, mid-run): its records must pass every invariant, the journal's included, and
 * show the reconnects with cursors it made.
 */
@Integration
class FaultLoadTest {
  @Test
  void aShortRunWithEverySocketDroppedMidwayChecksClean() throws Exception {
    String runId = "t" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (Node node = TestNodes.start(Map.of());
        FaultLoad load =
            new FaultLoad(
                new FaultLoad.Settings(
                    List.of(node.httpAddress()), 4, 2.0, 2, Duration.ofSeconds(30), runId, 7),
                new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      load.start();
      Await.until(load::liveStats, s -> s.acked() >= 20, Duration.ofSeconds(30), "20 acks");
      // The fault: every device loses its socket at once and must come back with its cursor.
      load.dropEverySocket();
      Instant faultEnd = Instant.now();
      long acked = load.liveStats().acked();
      Await.until(
          load::liveStats, s -> s.acked() >= acked + 20, Duration.ofSeconds(30), "20 more acks");
      Records records = load.finish(Duration.ofSeconds(30));

      // The users' entities too: acks move their devices' cursors, so they are written as well.
      List<String> ids = new ArrayList<>(records.persistenceIds());
      ids.addAll(records.userPersistenceIds());
      JournalRows journal =
          JournalRows.read(
              CassandraLogin.of(CassandraSettings.from(TestNodes.config(Map.of()))), ids);
      Verdict verdict = Invariants.check(records, journal);
      RecoveryTimes recovery = records.recoveryAfter(faultEnd);
      String context =
          verdict.summary()
              + "\n"
              + recovery.summary()
              + "\n"
              + printed.toString(StandardCharsets.UTF_8);
      System.out.println(context);
      assertTrue(verdict.clean(), context);
      assertTrue(verdict.figure("acked") >= 40, context);
      assertEquals(
          verdict.figure("historyEntries"),
          records.persistenceIds().stream().mapToLong(id -> journal.rows().get(id).size()).sum(),
          context);
      assertTrue(
          records.userPersistenceIds().stream().allMatch(id -> !journal.rows().get(id).isEmpty()),
          context);
      // Both devices of both users of every conversation got every entry.
      assertEquals(4 * verdict.figure("historyEntries"), countDelivered(records), context);
      assertTrue(load.liveStats().reconnects() >= 16, context);
      assertEquals(4, recovery.times().size(), recovery.summary());
      assertEquals(0, recovery.notWritable(), recovery.summary());
    }
  }

  private static long countDelivered(Records records) {
    return records.devices().stream().mapToLong(d -> d.received().size()).sum();
  }
}
