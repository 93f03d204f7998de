package io.parley.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tracing facade on its own: one actor system per test, spans to an in-memory exporter. */
class TracingTest {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final List<ActorSystem<Void>> systems = new ArrayList<>();

  @AfterEach
  void stop() {
    systems.forEach(ActorSystem::terminate);
  }

  private Tracing tracing(Map<String, Object> settings, boolean withExporter) {
    Map<String, Object> keys = new HashMap<>();
    settings.forEach((k, v) -> keys.put("parley.tracing." + k, v));
    keys.put("pekko.actor.provider", "local");
    keys.put("pekko.coordinated-shutdown.exit-jvm", "off");
    keys.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    Config config = ConfigFactory.parseMap(keys).withFallback(ConfigFactory.load());
    ActorSystemSetup setup = ActorSystemSetup.create(BootstrapSetup.create(config));
    if (withExporter) setup = setup.withSetup(new TracingSetup(exporter));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "tracing-test", setup);
    systems.add(system);
    return Tracing.get(system);
  }

  @Test
  void theSpansOfASendFormOneTraceThroughTheirTraceparentStrings() {
    Tracing tracing = tracing(Map.of("enabled", true), true);
    TraceSpan send = tracing.send("d:ann:ben", "c1", "ann");
    String sent = send.traceparent();
    assertTrue(sent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"), sent);
    TraceSpan persist = tracing.persist(sent, "d:ann:ben", "c1");
    persist.seq(7).end();
    TraceSpan deliver = tracing.deliver(persist.traceparent(), "d:ann:ben", 7, "ben");
    deliver.sessions(1).end();
    tracing.write(deliver.traceparent(), "d:ann:ben", 7, "ben", "phone").written(true).end();
    send.seq(7).end();

    Map<String, SpanData> spans =
        exporter.getFinishedSpanItems().stream()
            .collect(Collectors.toMap(SpanData::getName, Function.identity()));
    assertEquals(
        List.of("parley.deliver", "parley.persist", "parley.send", "parley.write"),
        spans.keySet().stream().sorted().toList());
    String trace = spans.get("parley.send").getTraceId();
    spans.values().forEach(s -> assertEquals(trace, s.getTraceId(), s.getName()));
    assertFalse(spans.get("parley.send").getParentSpanContext().isValid(), "the send is the root");
    assertParent(spans, "parley.persist", "parley.send");
    assertParent(spans, "parley.deliver", "parley.persist");
    assertParent(spans, "parley.write", "parley.deliver");
    spans.values().forEach(s -> assertEquals(7L, s.getAttributes().get(Tracing.SEQ), s.getName()));
    spans
        .values()
        .forEach(
            s ->
                assertEquals(
                    "d:ann:ben", s.getAttributes().get(Tracing.CONVERSATION), s.getName()));
    assertEquals("c1", spans.get("parley.persist").getAttributes().get(Tracing.CID));
    assertEquals("phone", spans.get("parley.write").getAttributes().get(Tracing.DEVICE));
    assertEquals(
        "parley",
        spans
            .get("parley.send")
            .getResource()
            .getAttributes()
            .get(AttributeKey.stringKey("service.name")));
  }

  private static void assertParent(Map<String, SpanData> spans, String child, String parent) {
    assertEquals(
        spans.get(parent).getSpanId(),
        spans.get(child).getParentSpanId(),
        child + " under " + parent);
  }

  @Test
  void offMakesNoSpanAndPassesNoContextOn() {
    Tracing tracing = tracing(Map.of("enabled", false), true);
    assertFalse(tracing.on());
    assertNull(tracing.send("d:ann:ben", "c1", "ann"));
    String valid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    assertNull(tracing.persist(valid, "d:ann:ben", "c1"), "off: a traced message is not continued");
    assertNull(tracing.deliver(valid, "d:ann:ben", 1, "ben"));
    assertNull(tracing.write(valid, "d:ann:ben", 1, "ben", "phone"));
    assertTrue(exporter.getFinishedSpanItems().isEmpty());
  }

  @Test
  void anUnsampledSendCarriesNoContext() {
    Tracing tracing = tracing(Map.of("enabled", true, "sample-ratio", 0.0), true);
    assertNull(tracing.send("d:ann:ben", "c1", "ann"));
  }

  @Test
  void anUntracedOrMalformedParentEndsTheTraceThere() {
    Tracing tracing = tracing(Map.of("enabled", true), true);
    assertNull(tracing.persist(null, "d:ann:ben", "c1"));
    assertNull(tracing.persist("00-not-a-trace", "d:ann:ben", "c1"));
    assertNotNull(
        tracing.persist(
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "d:ann:ben", "c1"));
  }

  @Test
  void aFailedStepIsAnErrorSpanWithParleysCode() {
    Tracing tracing = tracing(Map.of("enabled", true), true);
    tracing.send("d:ann:ben", "c1", "ann").failed("forbidden").end();
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
    assertEquals("forbidden", span.getAttributes().get(Tracing.ERROR));
  }

  @Test
  void onWithNowhereToExportFailsAtStart() {
    Exception e = assertThrows(Exception.class, () -> tracing(Map.of("enabled", true), false));
    assertTrue(rootMessage(e).contains("otlp-endpoint"), rootMessage(e));
    assertThrows(
        Exception.class, () -> tracing(Map.of("enabled", true, "sample-ratio", 1.5), true));
  }

  @Test
  void onWithAnEndpointBuildsTheOtlpExporter() {
    Tracing tracing =
        tracing(Map.of("enabled", true, "otlp-endpoint", "http://127.0.0.1:1/v1/traces"), false);
    assertTrue(tracing.on());
    assertNotNull(tracing.send("d:ann:ben", "c1", "ann"));
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) e = e.getCause();
    return String.valueOf(e.getMessage());
  }
}
