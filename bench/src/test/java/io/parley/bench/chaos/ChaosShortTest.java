package io.parley.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.testing.Integration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The chaos suite's short form (docs/reliability.md): three node processes on loopback and a
 * Cassandra of the runner's own, under load, through a kill -9 of the busiest core node and a kill
 * -9 of Cassandra, with every invariant checked after each. And the proof that the checker can
 * fail: the same run on nodes that ack sends before storing them must be caught.
 */
@Integration
class ChaosShortTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @AfterAll
  static void stopCassandra() {
    new ChaosCassandra(
            ROOT,
            ChaosRun.cassandraDir(ROOT, "loopback"),
            "127.0.0.1",
            ChaosRun.LOOPBACK_CQL_PORT,
            ChaosRun.LOOPBACK_STORAGE_PORT)
        .stop();
  }

  @Test
  void nothingAckedIsLostThroughNodeAndCassandraCrashes() throws Exception {
    Run run = chaos("--nemesis", "kill-core,cassandra");
    // 3: every invariant held but recovery took over 12 s somewhere. How fast conversations
    // recover is measured and reported (docs/reliability.md), not asserted on a shared box.
    assertTrue(run.status() == 0 || run.status() == 3, run.output());
    assertFalse(run.report().contains("VIOLATED"), run.report());
    assertTrue(run.report().contains("| kill-core |"), run.report());
    assertTrue(run.report().contains("| cassandra |"), run.report());
  }

  @Test
  void acksSentBeforeTheWriteAreCaughtAsLost() throws Exception {
    Run run = chaos("--nemesis", "cassandra", "--unsafe-ack-before-persist");
    assertEquals(1, run.status(), run.output());
    assertTrue(run.report().contains("**VIOLATED**"), run.report());
  }

  private record Run(int status, String output, String report) {}

  private static Run chaos(String... nemesis) throws Exception {
    Path out = Files.createTempDirectory("parley-chaos");
    String[] args =
        Stream.concat(
                Stream.of(
                    "--root",
                    ROOT.toString(),
                    "--out",
                    out.toString(),
                    "--netns",
                    "off",
                    "--keep-cassandra",
                    "--conversations",
                    "30",
                    "--rate",
                    "1",
                    "--devices",
                    "1",
                    "--warm-up",
                    "5",
                    "--down",
                    "10",
                    "--quiet",
                    "10"),
                Stream.of(nemesis))
            .toArray(String[]::new);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status;
    try (PrintStream print = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      status = Chaos.run(print, args);
    }
    String report;
    try (Stream<Path> found = Files.find(out, 2, (p, a) -> p.endsWith("report.md"))) {
      Path file = found.findFirst().orElse(null);
      report = file == null ? "(no report)" : Files.readString(file);
    }
    return new Run(status, bytes.toString(StandardCharsets.UTF_8), report);
  }
}
