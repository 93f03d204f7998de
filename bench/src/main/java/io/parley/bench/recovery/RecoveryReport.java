package io.parley.bench.recovery;

import io.parley.bench.recovery.BoxCpu.Sample;
import io.parley.bench.recovery.Seeder.Seeding;
import io.parley.bench.recovery.Snapshots.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The benchmark's Markdown result: one table row per size, then every sample, then the machine. */
final class RecoveryReport {
  /** One size's cases, each a list of cold starts. */
  record SizeResult(
      long n,
      Seeding seeding,
      List<Sample> replayOnly,
      List<Sample> replayAndSnapshot,
      Snapshot snapshot,
      List<Sample> fromSnapshot,
      long tail,
      List<Sample> withTail) {}

  private RecoveryReport() {}

  static String render(
      List<SizeResult> results,
      long snapshotEvery,
      int repeats,
      int eventBytes,
      int discarded,
      String machine) {
    StringBuilder b = new StringBuilder();
    b.append("Cold start to first reply (GetSummary), ms: median / min of ")
        .append(repeats)
        .append(" cold starts; snapshot-every = ")
        .append(snapshotEvery)
        .append("; one serialized event = ")
        .append(eventBytes)
        .append(" bytes.\n\n");
    b.append("| entries N | no snapshot, snapshots off (replays N) |")
        .append(" no snapshot, snapshot-every ")
        .append(snapshotEvery)
        .append(" (replays N, stores a snapshot) | snapshot at N (replays 0) |")
        .append(" snapshot + longest tail (replays ")
        .append(snapshotEvery - 1)
        .append(") | replay rate, snapshots off | seeding rate |\n");
    b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (SizeResult r : results) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %,d | %s | %s | %s | %s | %,.0f events/s | %,.0f events/s |\n",
              r.n(),
              medianMin(r.replayOnly()),
              medianMin(r.replayAndSnapshot()),
              medianMin(r.fromSnapshot()),
              medianMin(r.withTail()),
              r.n() * 1e9 / median(r.replayOnly()),
              r.seeding().perSecond()));
    }
    b.append("\nEvery sample, ms, in order (the first of a row follows seeding most closely);")
        .append(" in brackets, for samples of 500 ms or more, the cores that other processes on")
        .append(" the box kept busy meanwhile (0.0 = the box was ours). Samples disturbed by")
        .append(" other processes and taken again: ")
        .append(discarded)
        .append(".\n\n");
    for (SizeResult r : results) {
      b.append(
          String.format(
              Locale.ROOT,
              "- N = %,d: snapshots off %s; snapshot-every %d %s; snapshot (%,d bytes) %s;"
                  + " snapshot + tail %s\n",
              r.n(),
              samples(r.replayOnly()),
              snapshotEvery,
              samples(r.replayAndSnapshot()),
              r.snapshot().bytes(),
              samples(r.fromSnapshot()),
              samples(r.withTail())));
    }
    b.append("\n").append(machine).append("\n");
    return b.toString();
  }

  private static String medianMin(List<Sample> samples) {
    return String.format(
        Locale.ROOT,
        "%s / %s",
        ms(median(samples)),
        ms(samples.stream().mapToLong(Sample::nanos).min().orElse(0)));
  }

  static double median(List<Sample> samples) {
    long[] sorted = samples.stream().mapToLong(Sample::nanos).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
  }

  /**
   * Each time; for those long enough to tell, with the cores that processes other than the app and
   * Cassandra kept busy meanwhile.
   */
  private static String samples(List<Sample> samples) {
    return samples.stream()
        .map(
            x ->
                x.nanos() < BoxCpu.MEASURABLE.toNanos()
                    ? ms(x.nanos())
                    : ms(x.nanos()) + String.format(Locale.ROOT, " (%.1f)", x.cpu().others()))
        .collect(Collectors.joining(", "));
  }

  private static String ms(double nanos) {
    double ms = nanos / 1e6;
    return ms >= 100
        ? String.format(Locale.ROOT, "%,.0f", ms)
        : String.format(Locale.ROOT, "%.1f", ms);
  }

  static String machine(String cassandraVersion, String cassandraAddress) {
    Runtime rt = Runtime.getRuntime();
    return String.format(
        Locale.ROOT,
        "Machine: %d cores (availableProcessors), %s, MemTotal %s; JDK %s (%s), heap max %d MiB;"
            + " Cassandra %s at %s; Parley and Cassandra on the same box.",
        rt.availableProcessors(),
        procLine("/proc/cpuinfo", "model name"),
        procLine("/proc/meminfo", "MemTotal"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.name"),
        rt.maxMemory() >> 20,
        cassandraVersion,
        cassandraAddress);
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return String.join(" ", parts[0], parts[1], parts[2]);
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String procLine(String file, String key) {
    try {
      return Files.readAllLines(Path.of(file)).stream()
          .filter(line -> line.startsWith(key))
          .map(line -> line.substring(line.indexOf(':') + 1).strip())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
