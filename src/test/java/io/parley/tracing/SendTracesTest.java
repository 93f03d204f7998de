package io.parley.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.parley.node.Node;
import io.parley.node.ParleyConfig;
import io.parley.testing.Api;
import io.parley.testing.Await;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/**
 * A real send over WebSocket between two users on two nodes of one cluster (in this JVM, so both
 * export to one in-memory exporter; between them, messages go through Artery and the CBOR
 * serializer as in production): Ann is on an edge-only node, Ben on the node that holds the
 * entities. Her post crosses to the core node and her own copy comes back, so the trace crosses
 * nodes both ways.
 */
@Integration
class SendTracesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String BODY = "meet me at noon";
  private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");

  @Test
  void aSendIsOneTraceFromTheSocketToEveryRecipientsSocketAcrossNodes() throws Exception {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (Node core = start(exporter, true, "parley-core", Map.of());
        Node edge =
            start(
                exporter,
                true,
                "parley-edge",
                Map.of(
                    "parley.node.roles",
                    "edge",
                    "parley.cluster.self-join",
                    false,
                    "parley.cluster.seed-nodes",
                    "127.0.0.1:" + remotePort(core)))) {
      Await.until(
          () -> upMembers(core), n -> n == 2, WAIT, "the edge node joined the core node's cluster");
      String ann = Ids.user("ann");
      String ben = Ids.user("ben");
      Api api = new Api(core.httpAddress());
      String annToken = api.registerAndLogin(ann);
      String benToken = api.registerAndLogin(ben);
      String conv = Ids.direct(ann, ben);
      JsonNode sent;
      try (WsClient annPhone = WsClient.json(edge.httpAddress());
          WsClient benPhone = WsClient.json(core.httpAddress())) {
        annPhone.hello(annToken, "phone", null);
        benPhone.hello(benToken, "laptop", null);
        sent = annPhone.sendText(conv, "c1", BODY);
        assertEquals("sent", sent.get("type").asText(), sent.toString());
        benPhone.awaitMsgs(conv, 1);
        annPhone.awaitMsgs(conv, 1);
      }
      long seq = sent.get("seq").asLong();

      // Spans end as each step finishes, on both nodes: wait for all six.
      List<SpanData> spans =
          Await.until(
              exporter::getFinishedSpanItems,
              s -> s.size() >= 6,
              WAIT,
              "the send's six spans were exported");
      assertEquals(6, spans.size(), spans.toString());
      SpanData send = one(spans, "parley.send", null);
      SpanData persist = one(spans, "parley.persist", null);
      SpanData annDeliver = one(spans, "parley.deliver", ann);
      SpanData benDeliver = one(spans, "parley.deliver", ben);
      SpanData annWrite = one(spans, "parley.write", ann);
      SpanData benWrite = one(spans, "parley.write", ben);

      for (SpanData span : spans) {
        assertEquals(send.getTraceId(), span.getTraceId(), span.getName() + ": one trace");
        assertEquals(conv, span.getAttributes().get(Tracing.CONVERSATION), span.getName());
        assertEquals(seq, span.getAttributes().get(Tracing.SEQ), span.getName() + ": the seq");
        span.getAttributes()
            .forEach(
                (key, value) ->
                    assertFalse(
                        String.valueOf(value).contains(BODY), span.getName() + ": no body"));
      }
      assertFalse(send.getParentSpanContext().isValid(), "the send is the trace's root");
      assertParent(send, persist);
      assertParent(persist, annDeliver);
      assertParent(persist, benDeliver);
      assertParent(annDeliver, annWrite);
      assertParent(benDeliver, benWrite);
      assertEquals(ann, send.getAttributes().get(Tracing.USER));
      assertEquals("c1", send.getAttributes().get(Tracing.CID));
      assertEquals("c1", persist.getAttributes().get(Tracing.CID));
      assertEquals("laptop", benWrite.getAttributes().get(Tracing.DEVICE));
      assertEquals(true, benWrite.getAttributes().get(Tracing.WRITTEN));
      assertEquals(1L, benDeliver.getAttributes().get(Tracing.SESSIONS));

      // Where each step ran: the trace went edge -> core -> edge.
      assertEquals("parley-edge", service(send));
      assertEquals("parley-core", service(persist));
      assertEquals("parley-core", service(annDeliver));
      assertEquals("parley-edge", service(annWrite));
      assertEquals("parley-core", service(benWrite));
    }
  }

  @Test
  void withTracingOffASendMakesNoSpan() throws Exception {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (Node node = start(exporter, false, "parley-untraced", Map.of())) {
      String ann = Ids.user("ann");
      String ben = Ids.user("ben");
      Api api = new Api(node.httpAddress());
      String annToken = api.registerAndLogin(ann);
      String benToken = api.registerAndLogin(ben);
      String conv = Ids.direct(ann, ben);
      try (WsClient annPhone = WsClient.json(node.httpAddress());
          WsClient benPhone = WsClient.json(node.httpAddress())) {
        annPhone.hello(annToken, "phone", null);
        benPhone.hello(benToken, "phone", null);
        for (int i = 1; i <= 3; i++) {
          JsonNode sent = annPhone.sendText(conv, "c" + i, BODY);
          assertEquals("sent", sent.get("type").asText(), sent.toString());
        }
        benPhone.awaitMsgs(conv, 3);
        annPhone.awaitMsgs(conv, 3);
      }
      assertTrue(exporter.getFinishedSpanItems().isEmpty(), "no span while tracing is off");
      assertFalse(Tracing.get(node.system()).on());
    }
  }

  /** A node of the cluster named {@link ParleyConfig#SYSTEM_NAME}, exporting to exporter. */
  private static Node start(
      InMemorySpanExporter exporter, boolean tracing, String service, Map<String, Object> more)
      throws Exception {
    Map<String, Object> overrides = new java.util.HashMap<>(more);
    overrides.put("parley.tracing.enabled", tracing);
    overrides.put("parley.tracing.service-name", service);
    return Node.start(
        TestNodes.config(overrides), ParleyConfig.SYSTEM_NAME, new TracingSetup(exporter));
  }

  private static int remotePort(Node node) {
    return Cluster.get(node.system()).selfMember().address().getPort().orElseThrow();
  }

  private static long upMembers(Node node) {
    return java.util.stream.StreamSupport.stream(
            Cluster.get(node.system()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }

  /** The one span of that name (and, if given, about that user). */
  private static SpanData one(List<SpanData> spans, String name, String user) {
    List<SpanData> found =
        spans.stream()
            .filter(s -> s.getName().equals(name))
            .filter(s -> user == null || user.equals(s.getAttributes().get(Tracing.USER)))
            .toList();
    assertEquals(1, found.size(), name + " " + user + " in " + spans);
    return found.get(0);
  }

  private static void assertParent(SpanData parent, SpanData child) {
    assertEquals(
        parent.getSpanId(),
        child.getParentSpanId(),
        child.getName() + " is a child of " + parent.getName());
  }

  private static String service(SpanData span) {
    return span.getResource().getAttributes().get(SERVICE);
  }
}
