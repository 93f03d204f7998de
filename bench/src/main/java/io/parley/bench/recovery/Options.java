package io.parley.bench.recovery;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The recovery benchmark's knobs, from {@code bench.*} system properties (see {@link
 * RecoveryBenchmark}); a test passes small ones directly.
 */
record Options(
    String cassandra,
    List<Long> sizes,
    int repeats,
    int batch,
    long warmup,
    String out,
    String cassandraPidFile,
    double quietCores,
    Duration quietWait,
    Duration compactionWait) {

  static Options fromSystemProperties() {
    return new Options(
        System.getProperty("bench.cassandra", "127.0.0.1:9242"),
        Arrays.stream(System.getProperty("bench.sizes", "1000,100000,1000000").split(","))
            .map(String::strip)
            .map(Long::parseLong)
            .toList(),
        Integer.getInteger("bench.repeats", 5),
        Integer.getInteger("bench.batch", 1000),
        Long.getLong("bench.warmup", 20_000),
        System.getProperty("bench.out", "target/recovery-benchmark.md"),
        System.getProperty("bench.cassandra-pid-file", "target/bench-cassandra/cassandra.pid"),
        Double.parseDouble(System.getProperty("bench.quiet-cores", "0.25")),
        Duration.ofSeconds(Long.getLong("bench.quiet-wait", 600)),
        Duration.ofSeconds(Long.getLong("bench.compaction-wait", 300)));
  }
}
