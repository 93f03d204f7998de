package io.parley.bench.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.testing.Integration;
import io.parley.testing.TestKeys;
import io.parley.testing.TestNodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery benchmark end to end on the test Cassandra, on timelines of a few dozen entries, so
 * that it cannot rot. Its times are not asserted (they live in docs/benchmarks.md); that every case
 * recovered what it names is: the program checks each cold start's last seq and which snapshot it
 * started from, and fails otherwise.
 */
@Integration
class RecoveryBenchmarkTest {
  // Small partitions and an odd batch, so seeding and replay cross journal partitions and a
  // batch is cut at a partition boundary, as the full-size runs do.
  private static final Config TINY =
      ConfigFactory.parseMap(
          Map.of(
              "parley.conversation.snapshot-every", 10,
              "parley.at-rest.keys-file", TestKeys.file(),
              "pekko.persistence.cassandra.journal.target-partition-size", 8));

  private static Options options(List<Long> sizes, Path out) {
    return new Options(
        TestNodes.cassandra(),
        sizes,
        2,
        7,
        10,
        out.toString(),
        // The test Cassandra ./parley test starts is the server's (../target); none there
        // (PARLEY_TEST_CASSANDRA) reads as pid 0.
        "../target/test-cassandra/cassandra.pid",
        0.25,
        Duration.ZERO,
        Duration.ZERO);
  }

  @Test
  void measuresEveryCaseOfEverySizeAndWritesTheTable(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("recovery.md");

    assertEquals(0, RecoveryBenchmark.run(options(List.of(20L, 40L), out), TINY));

    String report = Files.readString(out);
    assertTrue(report.contains("snapshot-every = 10"), report);
    assertTrue(report.contains("snapshot + longest tail (replays 9)"), report);
    Pattern row =
        Pattern.compile(
            "^\\| ([0-9,]+) \\|(?: [0-9.,]+ / [0-9.,]+ \\|){4} [0-9,]+ events/s \\| [0-9,]+ events/s \\|$",
            Pattern.MULTILINE);
    Matcher rows = row.matcher(report);
    assertTrue(rows.find(), report);
    assertEquals("20", rows.group(1));
    assertTrue(rows.find(), report);
    assertEquals("40", rows.group(1));
    assertFalse(rows.find(), "one row per size: " + report);
    // The snapshot the entity itself stored at N, read back from the snapshot table.
    Matcher snapshot =
        Pattern.compile("- N = 40: .*; snapshot \\(([0-9,]+) bytes\\)").matcher(report);
    assertTrue(snapshot.find(), report);
    assertTrue(Integer.parseInt(snapshot.group(1).replace(",", "")) > 0, report);
  }

  @Test
  void refusesASizeThatIsNotAMultipleOfSnapshotEvery(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("recovery.md");

    assertEquals(1, RecoveryBenchmark.run(options(List.of(15L), out), TINY));

    assertFalse(Files.exists(out));
  }
}
