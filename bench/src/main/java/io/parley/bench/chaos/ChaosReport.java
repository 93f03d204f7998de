package io.parley.bench.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The run's table, one row per fault: what was done, the invariants, the recovery figures. */
final class ChaosReport {
  /** A fault's row; it passes when no invariant broke and every conversation recovered in time. */
  record Row(
      Nemesis.Fault fault,
      Verdict verdict,
      RecoveryTimes recovery,
      RecoveryTimes fromStart,
      Stats stats) {
    boolean passed() {
      return verdict.clean() && recovery.notWritable() == 0;
    }

    String outcome() {
      if (!verdict.clean()) return "**VIOLATED**";
      return recovery.notWritable() == 0 ? "clean" : "**SLOW RECOVERY**";
    }
  }

  private final Path dir;
  private final ChaosOptions options;
  private final boolean namespaces;
  private final List<Row> rows = new ArrayList<>();

  ChaosReport(Path dir, ChaosOptions options, boolean namespaces) {
    this.dir = dir;
    this.options = options;
    this.namespaces = namespaces;
  }

  void add(Row row) {
    rows.add(row);
  }

  boolean clean() {
    return rows.stream().allMatch(Row::passed);
  }

  boolean invariantsHeld() {
    return rows.stream().allMatch(r -> r.verdict().clean());
  }

  void write() throws IOException {
    Files.writeString(dir.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
  }

  void print(PrintStream out) {
    out.println(markdown());
    out.println("Report and node logs: " + dir.toAbsolutePath());
  }

  private static String times(RecoveryTimes t) {
    return String.format(
        "%.1f / %.1f / %.1f s",
        t.p50().toMillis() / 1000.0, t.p99().toMillis() / 1000.0, t.max().toMillis() / 1000.0);
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Chaos run ").append(dir.getFileName()).append("\n\n");
    md.append(
        String.format(
            "Topology %s, %s, %d conversations x %.2f sends/s, %d devices per user%s.%n%n",
            options.topology,
            namespaces ? "nodes in network namespaces" : "nodes on loopback",
            options.conversations,
            options.rate,
            options.devices,
            options.unsafeAckBeforePersist ? ", UNSAFE ack-before-persist" : ""));
    md.append(
        "| fault | detail | length | invariants | acked | lost | duplicates | out of order | skipped pushes (paged) |"
            + " refused but stored | writer overlaps | writable again p50 / p99 / max |"
            + " same, from the fault's start |"
            + " not within 12 s | refused | unknown | retries | reconnects |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      var f = r.verdict().figures();
      md.append(
          String.format(
              "| %s | %s | %.1f s | %s | %d | %d | %d | %d | %d | %d | %d | %s | %s | %d | %d | %d | %d | %d |%n",
              r.fault().nemesis(),
              r.fault().detail(),
              r.fault().length().toMillis() / 1000.0,
              r.outcome(),
              f.getOrDefault("acked", 0L),
              f.getOrDefault("lost", 0L),
              f.getOrDefault("duplicates", 0L) + f.getOrDefault("duplicateDeliveries", 0L),
              f.getOrDefault("reordered", 0L) + f.getOrDefault("historyGaps", 0L),
              f.getOrDefault("gaps", 0L),
              f.getOrDefault("refusedButStored", 0L),
              f.getOrDefault("writerOverlaps", 0L) + f.getOrDefault("journalSameSeq", 0L),
              times(r.recovery()),
              times(r.fromStart()),
              r.recovery().notWritable(),
              r.stats().refused(),
              r.stats().unknown(),
              r.stats().retries(),
              r.stats().reconnects()));
    }
    for (Row r : rows) {
      if (r.passed()) continue;
      md.append("\n## ").append(r.fault().nemesis()).append(": what failed\n\n");
      r.verdict().violations().forEach(v -> md.append("- ").append(v).append('\n'));
      r.recovery()
          .notWritableExamples(5)
          .forEach(v -> md.append("- slow: ").append(v).append('\n'));
    }
    return md.toString();
  }
}
