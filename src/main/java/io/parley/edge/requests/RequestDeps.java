package io.parley.edge.requests;

import io.parley.edge.budgets.SendGate;
import io.parley.storage.TimelineReader;
import io.parley.tracing.Tracing;
import java.time.Duration;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * What the edge's requests need of their node, the same for a device session and a REST route;
 * built once per edge node. {@code historyReads} bounds the history pages the node reads at once.
 */
public record RequestDeps(
    Settings settings,
    ClusterSharding sharding,
    TimelineReader timeline,
    SendGate historyReads,
    Tracing tracing) {

  /** Without tracing (tests of the parts that do not trace). */
  public RequestDeps(
      Settings settings, ClusterSharding sharding, TimelineReader timeline, SendGate historyReads) {
    this(settings, sharding, timeline, historyReads, Tracing.off());
  }

  /**
   * The limits and timeouts requests apply (from the edge's settings). {@code titleTimeout}: how
   * long a direct conversation's title waits for the other member's nickname. {@code
   * membersMaxLimit}: the default and largest page of a {@code members} query.
   */
  public record Settings(
      Duration askTimeout,
      Duration titleTimeout,
      SendDeadline sendDeadline,
      int historyDefaultLimit,
      int maxPageBytes,
      int syncParallelism,
      int maxGroupSize,
      int maxPendingRequests,
      int membersMaxLimit) {}
}
