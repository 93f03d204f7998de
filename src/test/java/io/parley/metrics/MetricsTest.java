package io.parley.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Await;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GET /metrics is scraped as Prometheus would, on the management port, after real traffic, and has
 * Parley's series; the public HTTP port does not serve it.
 */
@Integration
@ExtendWith(TestNodes.class)
class MetricsTest {

  @Test
  void metricsExposeTheSeriesOperatorsNeed(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String a = Ids.user("met");
    String b = Ids.user("ric");
    String token = api.registerAndLogin(a);
    api.registerAndLogin(b);
    String conv = Ids.direct(a, b);
    try (WsClient ws = WsClient.json(node.httpAddress())) {
      ws.hello(token, "d", null);
      double inBefore = value(scrape(node), "parley_messages_in_total");
      for (int i = 1; i <= 5; i++) ws.sentSeq(conv, "m" + i, "hello");
      ws.awaitMsgs(conv, 5);
      String text =
          Await.until(
              () -> scrape(node),
              t -> value(t, "parley_entities\\{[^}]*type=\"Conversation\"[^}]*}") >= 1,
              Duration.ofSeconds(15),
              "the entity gauge to count the conversation");
      assertEquals(5, value(text, "parley_messages_in_total") - inBefore, 0.0);
      assertTrue(value(text, "parley_messages_out_total") >= 5);
      assertTrue(value(text, "parley_connections_open") >= 1);
      assertTrue(value(text, "parley_send_persist_seconds_count") >= 5);
      assertTrue(value(text, "parley_journal_write_seconds_count") >= 5);
      // The conversation was started, so recovered, for this test at least.
      assertTrue(value(text, "parley_conversation_recovery_seconds_count") >= 1);
      for (String series :
          List.of(
              "parley_push_queue_depth",
              "parley_send_persist_seconds_bucket{le=",
              "parley_entities{",
              "jvm_memory_used_bytes",
              "jvm_gc_pause_seconds",
              "process_cpu_usage")) {
        assertTrue(text.contains(series), "missing series " + series);
      }
    }
  }

  @Test
  void metricsAreServedOnTheManagementPortOnly(Node node) throws Exception {
    HttpResponse<String> management = get(node.managementAddress(), "/metrics");
    assertEquals(200, management.statusCode());
    assertTrue(management.body().contains("parley_messages_in_total"), management.body());
    // The public port is the client's: no series there, for anyone.
    HttpResponse<String> open = get(node.httpAddress(), "/metrics");
    assertEquals(404, open.statusCode(), open.body());
    assertFalse(open.body().contains("parley_"), open.body());
  }

  /** A scrape as Prometheus makes it: the management port (k8s/ has no other). */
  static String scrape(Node node) throws Exception {
    HttpResponse<String> response = get(node.managementAddress(), "/metrics");
    assertEquals(200, response.statusCode());
    return response.body();
  }

  private static HttpResponse<String> get(InetSocketAddress address, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** The sum of all samples of a series (a name or a regex that stops before the value). */
  private static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + series + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(text);
    double sum = 0;
    while (m.find()) sum += Double.parseDouble(m.group(2));
    return sum;
  }
}
