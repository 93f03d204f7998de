package io.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When the load tool warms a node up before measuring it. */
class ColdStartTest {
  @Test
  void autoWarmsUpOnlyWhenTheNodeOrCassandraIsYoung() {
    assertEquals(60, ColdStart.warmupSeconds(ColdStart.AUTO, new ColdStart.Ages(42, 3600)));
    assertEquals(60, ColdStart.warmupSeconds(ColdStart.AUTO, new ColdStart.Ages(3600, 42)));
    assertEquals(0, ColdStart.warmupSeconds(ColdStart.AUTO, new ColdStart.Ages(3600, 900)));
    // Unknown ages (a node on another host, no Cassandra visible) do not count as young.
    assertEquals(0, ColdStart.warmupSeconds(ColdStart.AUTO, new ColdStart.Ages(-1, -1)));
    assertEquals(
        "the node started 42 s ago and Cassandra 7 s ago", new ColdStart.Ages(42, 7).describe());
  }

  @Test
  void findMaxWarnsUntilBothProcessesHaveRunAQuarterOfAnHour() {
    assertEquals(
        "the node is 4 min old, Cassandra 60 min: a find-max on processes under 15 minutes old has"
            + " come out at half of their later maximum on a 2-core box (docs/benchmarks.md); repeat"
            + " it once both have run a while",
        new ColdStart.Ages(240, 3600).findMaxCaveat());
    assertTrue(
        new ColdStart.Ages(3600, 600)
            .findMaxCaveat()
            .startsWith("the node is 60 min old, Cassandra 10 min:"));
    assertTrue(new ColdStart.Ages(-1, 95).findMaxCaveat().startsWith("Cassandra 95 s:"));
    assertNull(new ColdStart.Ages(900, 3600).findMaxCaveat());
    assertNull(new ColdStart.Ages(-1, -1).findMaxCaveat());
  }

  @Test
  void anExplicitWarmupIsTakenAsGiven() {
    assertEquals(0, ColdStart.warmupSeconds(0, new ColdStart.Ages(5, 5)));
    assertEquals(20, ColdStart.warmupSeconds(20, new ColdStart.Ages(3600, 3600)));
  }

  @Test
  void theOptionTakesAutoOrWholeSeconds() {
    assertEquals(ColdStart.AUTO, Options.parse(new String[0]).nodeWarmupSec());
    assertEquals(
        ColdStart.AUTO, Options.parse(new String[] {"--node-warmup", "auto"}).nodeWarmupSec());
    assertEquals(30, Options.parse(new String[] {"--node-warmup", "30"}).nodeWarmupSec());
    for (String bad : List.of("-5", "soon")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Options.parse(new String[] {"--node-warmup", bad}));
      assertEquals("--node-warmup is auto or whole seconds >= 0, not " + bad, e.getMessage());
    }
  }
}
