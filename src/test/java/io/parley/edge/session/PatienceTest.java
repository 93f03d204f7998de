package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import io.parley.node.ParleyConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Waits between attempts double up to the cap; no attempt starts past the patience. */
class PatienceTest {
  private static final long SECOND = 1_000_000_000L;

  private static SessionSettings settings(String patience, String min, String max) {
    return SessionSettings.from(
        ParleyConfig.load(
            ConfigFactory.parseMap(
                Map.of(
                    "parley.session.sync-patience", patience,
                    "parley.session.sync-backoff-min", min,
                    "parley.session.sync-backoff-max", max))));
  }

  @Test
  void waitsDoubleUpToTheCapUntilThePatienceIsSpent() {
    Patience patience = new Patience(settings("10s", "250ms", "1s"), 0);
    assertEquals(Duration.ofMillis(250), patience.retryAfter(SECOND));
    assertEquals(Duration.ofMillis(500), patience.retryAfter(2 * SECOND));
    assertEquals(Duration.ofSeconds(1), patience.retryAfter(3 * SECOND));
    assertEquals(Duration.ofSeconds(1), patience.retryAfter(4 * SECOND));
    // The next attempt would start at 10.5 s: past the patience.
    assertNull(patience.retryAfter(9 * SECOND + SECOND / 2));
  }

  @Test
  void anAttemptMayStartExactlyAtTheDeadline() {
    Patience patience = new Patience(settings("5s", "1s", "1s"), 0);
    assertEquals(Duration.ofSeconds(1), patience.retryAfter(4 * SECOND));
    assertNull(patience.retryAfter(4 * SECOND + 1));
  }
}
