package io.parley.bench.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How fast conversations were writable again after a fault ended ({@link Records#recoveryAfter}):
 * per conversation that issued a send at or after {@code faultEnd}, the time from {@code faultEnd}
 * to the first ack of such a send. Percentiles are over the conversations that got one; {@link
 * #notWritable()} counts those that got none or got it later than {@code within}; {@link
 * #unmeasured()} those that issued no send after the fault (the load had stopped).
 */
public record RecoveryTimes(
    Instant faultEnd, Duration within, int conversations, List<Conversation> measured) {

  /**
   * One conversation: null durations if no send issued after the fault was acked; {@code trace}
   * says what its first sends after the fault went through (for the examples of slow ones).
   */
  public record Conversation(
      String conv, Duration sinceFaultEnd, Duration fromIssue, String trace) {}

  public RecoveryTimes {
    measured = List.copyOf(measured);
  }

  /** The recovery times of the conversations that were writable again, shortest first. */
  public List<Duration> times() {
    return measured.stream()
        .map(Conversation::sinceFaultEnd)
        .filter(Objects::nonNull)
        .sorted()
        .toList();
  }

  /** The same acks, measured from their send's issue instead of from the fault's end. */
  public List<Duration> fromIssue() {
    return measured.stream()
        .map(Conversation::fromIssue)
        .filter(Objects::nonNull)
        .sorted()
        .toList();
  }

  public Duration p50() {
    return percentile(times(), 50);
  }

  public Duration p99() {
    return percentile(times(), 99);
  }

  public Duration max() {
    return percentile(times(), 100);
  }

  /** Conversations with no ack of a post-fault send, or with it later than {@code within}. */
  public int notWritable() {
    return (int)
        measured.stream()
            .filter(c -> c.sinceFaultEnd() == null || c.sinceFaultEnd().compareTo(within) > 0)
            .count();
  }

  /** Conversations that issued no send at or after the fault's end. */
  public int unmeasured() {
    return conversations - measured.size();
  }

  /** A few conversations that were not writable in time (for the report). */
  public List<String> notWritableExamples(int n) {
    return measured.stream()
        .filter(c -> c.sinceFaultEnd() == null || c.sinceFaultEnd().compareTo(within) > 0)
        .limit(n)
        .map(
            c ->
                c.conv()
                    + (c.sinceFaultEnd() == null ? " not acked" : " " + ms(c.sinceFaultEnd()))
                    + (c.trace().isEmpty() ? "" : " (" + c.trace() + ")"))
        .toList();
  }

  /** Nearest-rank percentile; zero when there is nothing to rank. */
  static Duration percentile(List<Duration> sorted, int p) {
    if (sorted.isEmpty()) return Duration.ZERO;
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
  }

  /** One line: p50/p99/max since the fault's end, and the same acks' own latencies. */
  public String summary() {
    List<Duration> issue = fromIssue();
    return "writable again after "
        + faultEnd
        + ": p50 "
        + ms(p50())
        + ", p99 "
        + ms(p99())
        + ", max "
        + ms(max())
        + " over "
        + times().size()
        + " conversations; not within "
        + within.toSeconds()
        + " s: "
        + notWritable()
        + "; no send after the fault: "
        + unmeasured()
        + " (from their issue: p50 "
        + ms(percentile(issue, 50))
        + ", max "
        + ms(percentile(issue, 100))
        + ")";
  }

  private static String ms(Duration d) {
    return d.toMillis() + " ms";
  }
}
