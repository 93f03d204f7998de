package io.parley.bench;

import static io.parley.bench.BenchRuns.bench;
import static io.parley.bench.BenchRuns.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.bench.BenchRuns.Run;
import io.parley.node.Node;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The users' shape (issue 23) end to end, on a node with the production frame budgets: many quiet
 * conversations, groups, and an ack for every msg, all within the node's default limits.
 */
@Integration
class RealisticShapeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Node node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.startWithRealFrameLimits(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void mixedRunIsCleanUnderTheDefaultLimitsAndReportsCpuPerMessage(@TempDir Path out)
      throws Exception {
    Run run =
        bench(
            node,
            out,
            "--scenario",
            "mixed",
            "--pairs",
            "5",
            "--groups",
            "2",
            "--group-size",
            "8",
            "--rate",
            "40",
            "--duration",
            "3",
            "--warmup",
            "1",
            "--node-warmup",
            "0",
            "--cassandra",
            TestNodes.cassandra());
    assertEquals(0, run.status(), run.output());
    assertTrue(
        run.output().contains("node us/msg") && run.output().contains("CPU us per message"),
        run.output());
    JsonNode report = JSON.readTree(only(out, ".json").toFile());
    assertTrue(report.path("ok").asBoolean(), report.toString());
    assertEquals(7, report.path("options").path("conversations").asInt(), report.toString());
    assertEquals(10 + 16, report.path("options").path("sockets").asInt(), report.toString());
    // Every group member and both sides of each pair send, the pairs' 10 twice round.
    assertEquals(32, report.path("options").path("senders").asInt(), report.toString());
    JsonNode step = report.path("steps").get(0);
    JsonNode check = step.path("checker");
    assertTrue(check.path("acked").asLong() > 0, check.toString());
    for (String clean :
        List.of(
            "unanswered",
            "lost",
            "undelivered",
            "duplicated",
            "duplicate_deliveries",
            "out_of_order",
            "gaps")) {
      assertEquals(0, check.path(clean).asLong(), clean + " in " + check);
    }
    assertEquals(
        0,
        step.path("errors").size(),
        "no sends or acks over the node's budgets: " + step.path("errors"));
    assertEquals(0, step.path("warmup_errors").size(), step.path("warmup_errors").toString());

    JsonNode used = step.path("resources");
    long messages = used.path("measured_messages").asLong();
    assertEquals(step.path("msgs_per_s").asDouble() * 3, messages, 0.5, used.toString());
    // A group send reaches 7 other sockets, a direct one 1: half the sends each.
    assertTrue(used.path("measured_deliveries").asLong() > 3 * messages, used.toString());
    // The node runs in this JVM here, Cassandra is the test's own: both are on this box.
    double node = used.path("node_us_per_msg").asDouble();
    assertTrue(node > 0, used.toString());
    assertEquals(
        node,
        used.path("node_user_us_per_msg").asDouble()
            + used.path("node_system_us_per_msg").asDouble(),
        0.2,
        used.toString());
    assertTrue(used.path("node_ctxsw_per_msg").asDouble() > 0, used.toString());
    assertTrue(used.path("node_us_per_delivery").asDouble() < node, used.toString());
    assertTrue(used.path("cassandra_us_per_msg").isNumber(), used.toString());
  }

  @Test
  void eachReceivedMsgIsAckedOnceOnReceipt(@TempDir Path each, @TempDir Path batch)
      throws Exception {
    JsonNode perMsg = stepOf(each, "--acks", "each");
    long frames = perMsg.path("resources").path("client_msg_frames").asLong();
    // Both members' sockets get every entry, the sender's own included: one ack for each.
    assertTrue(frames >= 2 * perMsg.path("checker").path("acked").asLong(), perMsg.toString());
    assertEquals(
        frames, perMsg.path("resources").path("client_acks_sent").asLong(), perMsg.toString());
    // ... as many as the node says it pushed (its /metrics).
    assertEquals(
        frames, perMsg.path("resources").path("node_messages_out").asLong(), perMsg.toString());
    assertEquals(
        0, perMsg.path("errors").size(), "the node took every ack: " + perMsg.path("errors"));

    // The same load acked once a second per conversation and socket: far fewer acks.
    JsonNode batched = stepOf(batch, "--acks", "batch", "--ack-interval", "1000");
    long batchedFrames = batched.path("resources").path("client_msg_frames").asLong();
    long batchedAcks = batched.path("resources").path("client_acks_sent").asLong();
    assertTrue(batchedAcks > 0 && batchedAcks < batchedFrames / 2, batched.toString());
  }

  private static JsonNode stepOf(Path out, String... acks) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--scenario",
                "direct",
                "--pairs",
                "3",
                "--rate",
                "30",
                "--duration",
                "3",
                "--warmup",
                "1",
                "--node-warmup",
                "0"));
    args.addAll(List.of(acks));
    Run run = bench(node, out, args.toArray(String[]::new));
    assertEquals(0, run.status(), run.output());
    return JSON.readTree(only(out, ".json").toFile()).path("steps").get(0);
  }
}
