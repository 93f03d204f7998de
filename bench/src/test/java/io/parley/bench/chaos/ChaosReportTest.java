package io.parley.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's table: one cell per header column, and what makes a run pass. */
class ChaosReportTest {
  private static final Instant AT = Instant.parse("2026-12-06T20:00:00Z");

  @Test
  void everyRowHasACellPerColumnAndSlowRecoveryIsNotAViolation() {
    ChaosReport report =
        new ChaosReport(Path.of("target", "chaos-report-test"), ChaosOptions.parse(), false);
    report.add(row("kill-core", Map.of("acked", 10L), true, Duration.ofSeconds(2)));
    assertTrue(report.clean());
    report.add(row("cassandra", Map.of("acked", 10L, "gaps", 3L), true, Duration.ofSeconds(20)));
    assertFalse(report.clean());
    assertTrue(report.invariantsHeld());
    report.add(row("pause", Map.of("lost", 1L), false, Duration.ofSeconds(1)));
    assertFalse(report.invariantsHeld());

    List<String> table = report.markdown().lines().filter(l -> l.startsWith("|")).toList();
    long columns = cells(table.get(0));
    assertEquals(2 + 3, table.size(), report.markdown());
    for (String line : table) assertEquals(columns, cells(line), line);
    assertTrue(table.get(3).contains("**SLOW RECOVERY**"), table.get(3));
    assertTrue(table.get(4).contains("**VIOLATED**"), table.get(4));
  }

  private static long cells(String line) {
    return line.chars().filter(c -> c == '|').count();
  }

  private static ChaosReport.Row row(
      String nemesis, Map<String, Long> figures, boolean clean, Duration recovery) {
    RecoveryTimes times =
        new RecoveryTimes(
            AT,
            Duration.ofSeconds(12),
            1,
            List.of(new RecoveryTimes.Conversation("d:a:b", recovery, recovery, "")));
    return new ChaosReport.Row(
        new Nemesis.Fault(nemesis, "detail", AT, AT),
        new Verdict(clean, clean ? List.of() : List.of("lost: example"), figures),
        times,
        times,
        new Stats(10, 10, 0, 0, 0, 0, 0, 20, 0, 0));
  }
}
