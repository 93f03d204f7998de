package io.parley.notifications;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.parley.node.ParleyConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** parley.push's queue settings as conf/application.conf gives them, and the retries' waits. */
class PushQueueSettingsTest {
  private static final PushQueueSettings.Retry RETRY =
      new PushQueueSettings.Retry(Duration.ofSeconds(1), Duration.ofSeconds(10), 0.2, 8);

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    PushQueueSettings s = PushQueueSettings.from(ParleyConfig.load(ConfigFactory.empty()));
    assertEquals(10_000, s.queueSize());
    assertEquals(64, s.concurrency());
    assertEquals(
        new PushQueueSettings.Retry(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2, 5),
        s.retry());
  }

  @Test
  void settingsThatCannotWorkStopTheNode() {
    for (var bad :
        Map.of(
                "parley.push.queue-size", "0",
                "parley.push.concurrency", "0",
                "parley.push.retry.min", "0s",
                "parley.push.retry.max", "500ms",
                "parley.push.retry.random-factor", "1.5",
                "parley.push.retry.max-attempts", "0")
            .entrySet()) {
      var config = ParleyConfig.load(ConfigFactory.parseMap(Map.of(bad.getKey(), bad.getValue())));
      assertThrows(
          IllegalArgumentException.class, () -> PushQueueSettings.from(config), bad.toString());
    }
  }

  @Test
  void theWaitDoublesFromMinUpToMax() {
    assertEquals(Duration.ofSeconds(1), RETRY.delay(1, null, 0));
    assertEquals(Duration.ofSeconds(2), RETRY.delay(2, null, 0));
    assertEquals(Duration.ofSeconds(8), RETRY.delay(4, null, 0));
    assertEquals(Duration.ofSeconds(10), RETRY.delay(5, null, 0));
    assertEquals(Duration.ofSeconds(10), RETRY.delay(1_000, null, 0), "no overflow past the cap");
  }

  @Test
  void jitterStretchesTheWaitByUpToTheRandomFactorButNeverPastMax() {
    assertEquals(Duration.ofMillis(1_200), RETRY.delay(1, null, 1.0));
    assertEquals(Duration.ofMillis(1_100), RETRY.delay(1, null, 0.5));
    assertEquals(Duration.ofMillis(9_600), RETRY.delay(4, null, 1.0));
    assertEquals(Duration.ofSeconds(10), RETRY.delay(5, null, 1.0));
  }

  @Test
  void retryAfterIsAFloorCutToMax() {
    assertEquals(Duration.ofSeconds(7), RETRY.delay(1, Duration.ofSeconds(7), 1.0));
    assertEquals(Duration.ofSeconds(8), RETRY.delay(4, Duration.ofSeconds(3), 0), "backoff wins");
    assertEquals(Duration.ofSeconds(10), RETRY.delay(1, Duration.ofHours(1), 0));
  }
}
