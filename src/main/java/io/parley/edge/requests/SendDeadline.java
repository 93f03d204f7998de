package io.parley.edge.requests;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How long a send may take to be stored, and how long its edge node waits for the answer.
 *
 * <p>The conversation stores a post only if it takes it for a write before {@code deadline} (after
 * the edge got the send); a write then ends, stored or failed, within the journal's own bound (its
 * circuit breaker's call-timeout). The edge waits for both and a margin ({@code answerWait}), so
 * any send still unanswered then went to a node that died mid-write (or never reached its
 * conversation): its outcome is unknown, and it is not answered {@code unavailable}, which promises
 * that nothing was stored (docs/protocol.md, "Send deadlines").
 */
public record SendDeadline(Duration deadline, Duration answerWait) {
  private static final String PLUGIN_FALLBACK = "pekko.persistence.journal-plugin-fallback";

  /** From {@code parley.send-deadline}, {@code parley.send-answer-margin} and the journal's. */
  public static SendDeadline from(Config config) {
    Duration deadline = config.getDuration("parley.send-deadline");
    Duration margin = config.getDuration("parley.send-answer-margin");
    return new SendDeadline(deadline, deadline.plus(journalWriteBound(config)).plus(margin));
  }

  /**
   * The configured journal's circuit-breaker call-timeout, as Pekko resolves it: the plugin's own
   * setting, else the fallback every journal plugin inherits.
   */
  static Duration journalWriteBound(Config config) {
    String plugin = config.getString("pekko.persistence.journal.plugin");
    Config journal =
        plugin.isEmpty()
            ? config.getConfig(PLUGIN_FALLBACK)
            : config.getConfig(plugin).withFallback(config.getConfig(PLUGIN_FALLBACK));
    return journal.getDuration("circuit-breaker.call-timeout");
  }
}
