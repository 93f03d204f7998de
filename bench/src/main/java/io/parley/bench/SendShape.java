package io.parley.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a scenario spreads its sends over sockets, known before any socket opens: the busiest sending
 * socket's share of all sends. The node's default limit is per socket (20 sends/s, burst 50), so a
 * run whose busiest socket goes above it measures refusals, not the node.
 */
final class SendShape {
  /** Sends per second per socket that stay clear of the node's default 20/s (bursts included). */
  static final double SAFE_PER_SOCKET = 15;

  private SendShape() {}

  /**
   * The busiest sending socket's fraction of all sends, as {@link Scenarios} lays out the slots.
   */
  static double busiestShare(Options o) {
    return switch (o.scenario()) {
      case "direct", "hot" -> 1.0 / (2 * o.pairs());
      case "group" -> 1.0 / (o.groups() * o.sendersPerGroup());
      case "room" -> 1.0 / o.roomSenders();
      case "mixed" -> {
        int direct = 2 * o.pairs(), group = o.groups() * o.sendersPerGroup();
        int half = Math.max(direct, group);
        int most = Math.max(ceilDiv(half, direct), ceilDiv(half, group));
        yield most / (2.0 * half);
      }
      default -> 0;
    };
  }

  /**
   * One send of {@code a} then one of {@code b}, over the longer of the two, the shorter one going
   * round again: half the sends each, whatever the counts. The shorter list's first senders then
   * send twice as often as its others (at most), as some conversations are busier.
   */
  static <T> List<T> halfAndHalf(List<T> a, List<T> b) {
    int half = Math.max(a.size(), b.size());
    List<T> both = new ArrayList<>(2 * half);
    for (int i = 0; i < half; i++) {
      both.add(a.get(i % a.size()));
      both.add(b.get(i % b.size()));
    }
    return both;
  }

  /**
   * What to tell the user before setup when some step of this run would make its busiest socket
   * send more than {@link #SAFE_PER_SOCKET}; null when none would.
   */
  static String warning(Options o) {
    double share = busiestShare(o);
    if (share <= 0) return null;
    double limitRate = SAFE_PER_SOCKET / share;
    double highest = o.findMax() ? o.maxRate() : o.rates().stream().reduce(o.rate(), Math::max);
    if (highest <= limitRate) return null;
    String what =
        o.findMax()
            ? String.format(
                Locale.ROOT,
                "find-max may step past %.0f msgs/s, where the busiest sending socket"
                    + " sends more than ~%.0f/s",
                limitRate,
                SAFE_PER_SOCKET)
            : String.format(
                Locale.ROOT,
                "at %.0f msgs/s the busiest sending socket sends %.1f/s, more than ~%.0f/s",
                highest,
                highest * share,
                SAFE_PER_SOCKET);
    return what
        + ": too close to the node's default send limit (parley.limits.send-rate 20/s, burst 50). A node"
        + " started with its defaults refuses those sends (rate_limited); to measure the node rather than"
        + " its limit, start it with PARLEY_SEND_RATE=100000 PARLEY_SEND_BURST=100000, or spread the rate"
        + " over more sockets (--pairs, --groups).";
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
