package io.parley.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the node under test (or its Cassandra) started so recently that its first minutes
 * would be measured instead of Parley: a JVM minutes old still compiles its hot paths, and on
 * 2 cores a node a minute old refused thousands of sends at 1,000 msgs/s that it carried with a
 * p99 of 2 ms later (docs/benchmarks.md, "Results at a glance"). With {@code --node-warmup auto}
 * (the default) such a node first gets an unreported warm-up step.
 */
final class ColdStart {
  /** A process younger than this counts as cold. */
  static final double YOUNG_SECONDS = 300;
  /** The warm-up a cold node gets when --node-warmup is auto. */
  static final int AUTO_WARMUP_SECONDS = 60;
  /** --node-warmup auto. */
  static final int AUTO = -1;

  private ColdStart() {}

  /** Ages in seconds, -1 where unknown. */
  record Ages(double node, double cassandra) {
    boolean young() {
      return isYoung(node) || isYoung(cassandra);
    }

    private static boolean isYoung(double age) {
      return age >= 0 && age < YOUNG_SECONDS;
    }

    String describe() {
      List<String> parts = new ArrayList<>();
      if (isYoung(node)) parts.add(String.format(Locale.ROOT, "the node started %.0f s ago", node));
      if (isYoung(cassandra)) parts.add(String.format(Locale.ROOT, "Cassandra %.0f s ago", cassandra));
      return String.join(" and ", parts);
    }
  }

  /** Seconds of unreported warm-up before the first step. */
  static int warmupSeconds(int requested, Ages ages) {
    if (requested != AUTO) return requested;
    return ages.young() ? AUTO_WARMUP_SECONDS : 0;
  }
}
