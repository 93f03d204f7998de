package io.parley.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.node.Node;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** grafana/parley-dashboard.json only queries series that a real node's /metrics has. */
@Integration
@ExtendWith(TestNodes.class)
class GrafanaDashboardTest {
  private static final Pattern METRIC =
      Pattern.compile("\\b(?:parley|jvm|process|system)_[a-zA-Z0-9_]+");

  @Test
  void everyQueriedSeriesExistsInAScrape(Node node) throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(Path.of("grafana/parley-dashboard.json").toFile());
    JsonNode datasource = dashboard.path("templating").path("list").get(0);
    assertEquals("datasource", datasource.path("type").asText());
    assertEquals("prometheus", datasource.path("query").asText());

    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertEquals(
          "${datasource}",
          panel.path("datasource").path("uid").asText(),
          panel.path("title").asText());
      panel.path("targets").forEach(t -> queries.add(t.path("expr").asText()));
    }
    dashboard
        .path("templating")
        .path("list")
        .forEach(v -> queries.add(v.path("definition").asText()));
    Set<String> used = new TreeSet<>();
    for (String q : queries) {
      Matcher m = METRIC.matcher(q);
      while (m.find()) used.add(m.group());
    }
    assertFalse(used.isEmpty());
    assertTrue(used.contains("parley_send_persist_seconds_bucket"), used.toString());

    // Some series exist only once their event happened (jvm_gc_pause_* after a collection). The
    // node shares this JVM: allocate garbage until a young collection has been recorded, rather
    // than ask for one with System.gc(), which a JVM may ignore or run concurrently.
    Set<String> missing = missingFrom(scrape(node), used);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!missing.isEmpty() && System.nanoTime() < deadline) {
      churn();
      missing = missingFrom(scrape(node), used);
    }
    assertTrue(missing.isEmpty(), "queried but not exposed: " + missing);
  }

  private static String scrape(Node node) throws Exception {
    return MetricsTest.scrape(node);
  }

  private static Set<String> missingFrom(String scrape, Set<String> used) {
    Set<String> missing = new TreeSet<>();
    for (String metric : used) {
      if (!Pattern.compile("(?m)^" + metric + "[{ ]").matcher(scrape).find()) missing.add(metric);
    }
    return missing;
  }

  // Garbage enough to fill a young generation or two; kept reachable only by a volatile sink.
  private static volatile Object sink;

  private static void churn() {
    for (int i = 0; i < 64; i++) sink = new byte[1024 * 1024];
  }
}
