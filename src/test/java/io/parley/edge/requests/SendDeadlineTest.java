package io.parley.edge.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.node.ParleyConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The edge waits for a send's answer past its deadline by the journal's bound on a write and a
 * margin, so that a conversation that took the post in time has always answered first.
 */
class SendDeadlineTest {
  private static Config config(Map<String, Object> overrides) {
    return ParleyConfig.load(ConfigFactory.parseMap(overrides));
  }

  @Test
  void theWaitIsTheDeadlinePlusTheJournalsWriteBoundPlusTheMargin() {
    Config config = config(Map.of());
    SendDeadline send = SendDeadline.from(config);
    Duration journal =
        config.getDuration("pekko.persistence.cassandra.journal.circuit-breaker.call-timeout");
    assertEquals(config.getDuration("parley.send-deadline"), send.deadline());
    assertEquals(
        send.deadline().plus(journal).plus(config.getDuration("parley.send-answer-margin")),
        send.answerWait());
    assertTrue(send.answerWait().compareTo(send.deadline().plus(journal)) > 0, "a margin");
  }

  @Test
  void theJournalsBoundIsTheConfiguredPluginsOrElsePekkosFallback() {
    Map<String, Object> longer =
        Map.of("pekko.persistence.cassandra.journal.circuit-breaker.call-timeout", "7s");
    assertEquals(Duration.ofSeconds(7), SendDeadline.journalWriteBound(config(longer)));
    // A plugin that sets none (the tests' in-memory journal) gets what Pekko gives every plugin.
    Config inMemory =
        config(Map.of("pekko.persistence.journal.plugin", "pekko.persistence.journal.inmem"));
    assertEquals(
        inMemory.getDuration(
            "pekko.persistence.journal-plugin-fallback.circuit-breaker.call-timeout"),
        SendDeadline.journalWriteBound(inMemory));
  }
}
