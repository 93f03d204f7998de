package io.parley.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the node under test (or its Cassandra) started so recently that its first minutes would
 * be measured instead of Parley: a JVM minutes old still compiles its hot paths, and on 2 cores a
 * node a minute old refused thousands of sends at 1,000 msgs/s that it carried with a p99 of 2 ms
 * later (docs/benchmarks.md, "The hot shape at a glance"). With {@code --node-warmup auto} (the
 * default) such a node first gets an unreported warm-up step.
 */
final class ColdStart {
  /** A process younger than this counts as cold. */
  static final double YOUNG_SECONDS = 300;

  /**
   * A find-max on processes younger than this came out at half of what the same processes reached
   * 12 minutes later, twice (docs/benchmarks.md, "The hot shape at a glance"); past the warm-up,
   * their first quarter of an hour is still not their steady state.
   */
  static final double SETTLED_SECONDS = 900;

  /** The warm-up a cold node gets when --node-warmup is auto. */
  static final int AUTO_WARMUP_SECONDS = 60;

  /** --node-warmup auto. */
  static final int AUTO = -1;

  private ColdStart() {}

  /** Ages in seconds, -1 where unknown. */
  record Ages(double node, double cassandra) {
    boolean young() {
      return under(node, YOUNG_SECONDS) || under(cassandra, YOUNG_SECONDS);
    }

    /** Why a find-max now would under-report, or null when both processes have settled. */
    String findMaxCaveat() {
      if (!under(node, SETTLED_SECONDS) && !under(cassandra, SETTLED_SECONDS)) return null;
      List<String> parts = new ArrayList<>();
      if (node >= 0) parts.add("the node is " + age(node) + " old");
      if (cassandra >= 0) parts.add("Cassandra " + age(cassandra));
      return String.join(", ", parts)
          + String.format(
              Locale.ROOT,
              ": a find-max on processes under %.0f minutes old has come out at half of their later"
                  + " maximum on a 2-core box (docs/benchmarks.md); repeat it once both have run a while",
              SETTLED_SECONDS / 60);
    }

    private static String age(double seconds) {
      return seconds < 120
          ? String.format(Locale.ROOT, "%.0f s", seconds)
          : String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }

    /** Known (not -1) and younger than the limit. */
    private static boolean under(double age, double limit) {
      return age >= 0 && age < limit;
    }

    String describe() {
      List<String> parts = new ArrayList<>();
      if (under(node, YOUNG_SECONDS))
        parts.add(String.format(Locale.ROOT, "the node started %.0f s ago", node));
      if (under(cassandra, YOUNG_SECONDS))
        parts.add(String.format(Locale.ROOT, "Cassandra %.0f s ago", cassandra));
      return String.join(" and ", parts);
    }
  }

  /** Seconds of unreported warm-up before the first step. */
  static int warmupSeconds(int requested, Ages ages) {
    if (requested != AUTO) return requested;
    return ages.young() ? AUTO_WARMUP_SECONDS : 0;
  }
}
