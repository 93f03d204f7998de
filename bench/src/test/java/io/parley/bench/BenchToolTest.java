package io.parley.bench;

import static io.parley.bench.BenchRuns.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.bench.BenchRuns.Run;
import io.parley.node.Node;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load tool end to end against a real node, at a tiny rate, so that it cannot rot. Its numbers
 * are not asserted (they live in docs/benchmarks.md); its outputs and its checker are.
 */
@Integration
class BenchToolTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Node node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void directRunWritesTableJsonAndChartAndFindsNoLoss(@TempDir Path out) throws Exception {
    // An explicit, short node warm-up: this test's node is seconds old, and auto would give it 60
    // s.
    Run run =
        bench(
            out,
            "--scenario",
            "direct",
            "--pairs",
            "5",
            "--rate",
            "20",
            "--duration",
            "3",
            "--warmup",
            "1",
            "--node-warmup",
            "1");
    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("send->delivered"), "the table is printed:\n" + run.output());
    JsonNode report = JSON.readTree(only(out, ".json").toFile());
    assertTrue(report.path("ok").asBoolean(), report.toString());
    assertEquals("direct", report.path("scenario").asText());
    // Each conversation got its priming post before the clock, and every socket saw it.
    assertEquals(5, report.path("setup_entries").asLong(), report.toString());
    assertEquals(0, report.path("setup_notes").size(), report.path("setup_notes").toString());
    assertTrue(report.path("machine").has("cores"));
    // The node's age comes from its /metrics; the warm-up asked for was run.
    assertTrue(report.path("node_age_s").asDouble() > 0, report.toString());
    assertEquals(1, report.path("node_warmup_s").asInt(), report.toString());
    assertTrue(run.output().contains("-- warming the node up: 1 s"), run.output());
    JsonNode step = report.path("steps").get(0);
    for (String field :
        List.of(
            "offered_rate",
            "msgs_per_s",
            "deliveries_per_s",
            "errors",
            "warmup_errors",
            "resources")) {
      assertTrue(step.has(field), "step field " + field + " in " + step);
    }
    // One p99 per second that saw measured deliveries (3 s at 20 msgs/s: every second does),
    // and the seconds over the bound counted from them.
    JsonNode seconds = step.path("per_second_p99_ms");
    assertTrue(seconds.isArray() && seconds.size() >= 3, step.toString());
    double bound = report.path("options").path("bound_ms").asDouble();
    long over = 0;
    for (JsonNode p99 : seconds) if (p99.asDouble() > bound) over++;
    assertEquals(over, step.path("seconds_over_bound").asLong(), step.toString());
    for (String series : List.of("send_to_sent_ms", "send_to_delivered_ms")) {
      for (String p : List.of("count", "p50", "p90", "p99", "p999", "max")) {
        assertTrue(step.path(series).has(p), series + "." + p + " in " + step);
      }
    }
    JsonNode check = step.path("checker");
    assertTrue(check.path("history_checked").asBoolean(), check.toString());
    assertEquals(0, check.path("lost").asLong(), check.toString());
    assertEquals(0, check.path("undelivered").asLong(), check.toString());
    assertEquals(0, check.path("duplicated").asLong(), check.toString());
    assertEquals(0, check.path("out_of_order").asLong(), check.toString());
    assertTrue(check.path("acked").asLong() > 0, check.toString());
    String html = Files.readString(only(out, ".html"));
    assertTrue(html.contains("<svg") && !html.contains("<script"), "a self-contained SVG chart");
  }

  @Test
  void roomListenersStayOpenOnANodeWithAShortHeartbeat(@TempDir Path out) throws Exception {
    // Listeners send nothing but pings; a node that closes a socket after 2 x 1 s of silence
    // keeps them only if the tool pings by the heartbeat_ms its welcome names.
    try (Node quick = TestNodes.start(Map.of("parley.session.heartbeat", "1s"))) {
      Run run =
          bench(
              quick,
              out,
              "--scenario",
              "room",
              "--listeners",
              "4",
              "--room-senders",
              "2",
              "--rate",
              "4",
              "--duration",
              "4",
              "--warmup",
              "1",
              "--node-warmup",
              "0");
      assertEquals(0, run.status(), run.output());
      JsonNode check =
          JSON.readTree(only(out, ".json").toFile()).path("steps").get(0).path("checker");
      assertEquals(0, check.path("undelivered").asLong(), check.toString());
      assertEquals(0, check.path("lost").asLong(), check.toString());
    }
  }

  @Test
  void idleSocketsAreCountedAndMeasured(@TempDir Path out) throws Exception {
    Run run =
        bench(
            out,
            "--scenario",
            "idle",
            "--sockets",
            "20",
            "--duration",
            "1",
            "--tcp-port",
            Integer.toString(node.tcpAddress().getPort()));
    assertEquals(0, run.status(), run.output());
    JsonNode report = JSON.readTree(only(out, ".json").toFile());
    assertEquals(20, report.path("sockets_welcomed").asInt(), report.toString());
    assertEquals(20, report.path("sockets_open_after_hold").asInt(), report.toString());
    assertTrue(
        report.has("kb_per_socket_heap") && report.has("kb_per_socket_rss"), report.toString());
    // One device per person by default: the heap per online user is per socket plus its user.
    assertEquals(1, report.path("sockets_per_user").asInt(), report.toString());
    assertEquals(20, report.path("users_online").asInt(), report.toString());
    assertTrue(report.path("kb_per_online_user_heap").isNumber(), report.toString());
    assertTrue(run.output().contains("KB per online user"), run.output());
  }

  @Test
  void idleWebSocketsAreCountedToo(@TempDir Path out) throws Exception {
    Run run =
        bench(
            out,
            "--scenario",
            "idle",
            "--transport",
            "ws",
            "--sockets",
            "20",
            "--sockets-per-user",
            "10",
            "--duration",
            "1");
    assertEquals(0, run.status(), run.output());
    JsonNode report = JSON.readTree(only(out, ".json").toFile());
    assertEquals("ws", report.path("transport").asText(), report.toString());
    assertEquals(20, report.path("sockets_welcomed").asInt(), report.toString());
    assertEquals(20, report.path("sockets_open_after_hold").asInt(), report.toString());
  }

  @Test
  void aRunWhoseAckedMessagesAreNotStoredFailsWithStatusOne(@TempDir Path out) throws Exception {
    // This node acks every send from Pekko's in-memory journal, while the history that the tool
    // pages reads the Cassandra journal, where none of them is: acked, then lost.
    try (Node forgetful =
        TestNodes.start(
            Map.of("pekko.persistence.journal.plugin", "pekko.persistence.journal.inmem"))) {
      Run run =
          bench(
              forgetful,
              out,
              "--scenario",
              "direct",
              "--pairs",
              "2",
              "--rate",
              "10",
              "--duration",
              "2",
              "--warmup",
              "1",
              "--node-warmup",
              "0");
      assertEquals(1, run.status(), run.output());
      assertTrue(run.output().contains("CHECK FAILED"), run.output());
      JsonNode report = JSON.readTree(only(out, ".json").toFile());
      assertFalse(report.path("ok").asBoolean(), report.toString());
      JsonNode check = report.path("steps").get(0).path("checker");
      assertTrue(check.path("history_checked").asBoolean(), check.toString());
      assertTrue(check.path("acked").asLong() > 0, check.toString());
      assertEquals(check.path("acked").asLong(), check.path("lost").asLong(), check.toString());
      assertTrue(Files.exists(only(out, ".html")), "the chart is written for a failed run too");
    }
  }

  @Test
  void ceilingPersistsAndReplies(@TempDir Path out) throws Exception {
    Run run =
        bench(
            out,
            "--scenario",
            "ceiling",
            "--cassandra",
            TestNodes.cassandra(),
            "--entities",
            "10",
            "--outstanding",
            "8",
            "--duration",
            "2",
            "--warmup",
            "1");
    assertEquals(0, run.status(), run.output());
    JsonNode report = JSON.readTree(only(out, ".json").toFile());
    assertTrue(report.path("events_per_s").asDouble() > 0, report.toString());
  }

  @Test
  void pacedCeilingRunsEachRateOpenLoop(@TempDir Path out) throws Exception {
    Run run =
        bench(
            out,
            "--scenario",
            "ceiling",
            "--cassandra",
            TestNodes.cassandra(),
            "--entities",
            "5",
            "--rates",
            "40,80",
            "--duration",
            "2",
            "--warmup",
            "1",
            "--node-warmup",
            "1");
    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("-- warming this JVM up: 1 s"), run.output());
    JsonNode report = JSON.readTree(only(out, ".json").toFile());
    assertEquals("paced", report.path("mode").asText(), report.toString());
    JsonNode steps = report.path("steps");
    assertEquals(2, steps.size(), report.toString());
    for (int i = 0; i < 2; i++) {
      JsonNode step = steps.get(i);
      assertEquals(40.0 * (i + 1), step.path("offered_rate").asDouble(), step.toString());
      // Every command of the step (warm-up second included) was persisted and answered.
      assertEquals((i + 1) * 40 * 3, step.path("checker").path("acked").asLong(), step.toString());
      assertEquals(0, step.path("checker").path("unanswered").asLong(), step.toString());
      assertTrue(step.path("send_to_delivered_ms").path("count").asLong() > 0, step.toString());
      assertTrue(step.path("per_second_p99_ms").size() > 0, step.toString());
    }
    assertTrue(Files.exists(only(out, ".html")));
  }

  private static Run bench(Path out, String... args) {
    return BenchRuns.bench(node, out, args);
  }

  private static Run bench(Node target, Path out, String... args) {
    return BenchRuns.bench(target, out, args);
  }
}
