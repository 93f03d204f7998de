package io.parley.bench.chaos;

import java.time.Duration;
import java.time.Instant;

/**
 * A fault the chaos runner inflicts on the cluster while the load runs. {@link #inflict} returns
 * once the fault is over (healed, resumed, restarted), with the window it lasted: recovery is
 * measured from the window's end. The cluster may still be short of a node afterwards; the runner
 * restores it before the next fault.
 */
interface Nemesis {
  String name();

  Fault inflict(ChaosCluster cluster) throws Exception;

  /** What one nemesis did: to what, and from when to when (an instant fault has start == end). */
  record Fault(String nemesis, String detail, Instant start, Instant end) {
    Duration length() {
      return Duration.between(start, end);
    }
  }
}
