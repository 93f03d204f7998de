package io.parley.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * The spans of a send, one trace from the socket that received it to every socket that shows it:
 * {@code parley.send} (the sender's session) > {@code parley.persist} (the conversation entity's
 * write, with the seq) > {@code parley.deliver} (each member's user entity) > {@code parley.write}
 * (each device session writing the {@code msg} frame). Attributes are ids and seqs only, never a
 * body. Between actors, and between nodes, a span travels as a W3C {@code traceparent} string in
 * the message ({@link TraceSpan#traceparent}); a message whose send is not traced carries null.
 *
 * <p>A Pekko extension: one per node, built from {@code parley.tracing} on first use. Off by
 * default, and then every method here returns null at once: no span, no context, no allocation. On,
 * spans are exported in batches to the OTLP HTTP endpoint on a thread of the SDK's own (or to the
 * exporter of a {@link TracingSetup}), and flushed when the node shuts down.
 */
public final class Tracing implements Extension {
  public static final ExtensionId<Tracing> ID =
      new ExtensionId<>() {
        @Override
        public Tracing createExtension(ActorSystem<?> system) {
          return create(system);
        }
      };

  static final AttributeKey<String> CONVERSATION = AttributeKey.stringKey("parley.conversation");
  static final AttributeKey<String> CID = AttributeKey.stringKey("parley.cid");
  static final AttributeKey<String> USER = AttributeKey.stringKey("parley.user");
  static final AttributeKey<String> DEVICE = AttributeKey.stringKey("parley.device");
  static final AttributeKey<Long> SEQ = AttributeKey.longKey("parley.seq");
  static final AttributeKey<Long> SESSIONS = AttributeKey.longKey("parley.sessions");
  static final AttributeKey<Boolean> WRITTEN = AttributeKey.booleanKey("parley.written");
  static final AttributeKey<String> ERROR = AttributeKey.stringKey("parley.error");

  private static final TextMapGetter<String> TRACEPARENT =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
          return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
          return "traceparent".equals(key) ? carrier : null;
        }
      };

  /** Null when tracing is off. */
  private final Tracer tracer;

  private Tracing(Tracer tracer) {
    this.tracer = tracer;
  }

  public static Tracing get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Tracing off, whatever the configuration: for tests of the parts that take a Tracing. */
  public static Tracing off() {
    return new Tracing(null);
  }

  private static Tracing create(ActorSystem<?> system) {
    TracingSettings settings = TracingSettings.from(system.settings().config());
    if (!settings.enabled()) return off();
    SpanProcessor processor =
        system
            .settings()
            .setup()
            .get(TracingSetup.class)
            .<SpanProcessor>map(s -> SimpleSpanProcessor.create(s.exporter()))
            .orElseGet(() -> BatchSpanProcessor.builder(otlp(settings)).build());
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"), settings.serviceName()))))
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
            .addSpanProcessor(processor)
            .build();
    // Spans still queued are exported before the node goes.
    CoordinatedShutdown.get(Adapter.toClassic(system))
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "parley-tracing-flush",
            () -> {
              CompletableFuture<Done> flushed = new CompletableFuture<>();
              provider.shutdown().whenComplete(() -> flushed.complete(Done.getInstance()));
              return flushed;
            });
    return new Tracing(provider.get("io.parley"));
  }

  private static OtlpHttpSpanExporter otlp(TracingSettings settings) {
    if (settings.otlpEndpoint().isEmpty()) {
      throw new IllegalArgumentException(
          "parley.tracing.enabled is on but parley.tracing.otlp-endpoint"
              + " (PARLEY_OTLP_ENDPOINT) is empty: say where to export the spans");
    }
    return OtlpHttpSpanExporter.builder().setEndpoint(settings.otlpEndpoint()).build();
  }

  public boolean on() {
    return tracer != null;
  }

  /**
   * A session received a {@code send}: the root span of its trace, or null if tracing is off or
   * this send is not sampled.
   */
  public TraceSpan send(String conv, String cid, String user) {
    if (tracer == null) return null;
    Span span =
        tracer
            .spanBuilder("parley.send")
            .setNoParent()
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(CONVERSATION, conv)
            .setAttribute(CID, cid)
            .setAttribute(USER, user)
            .startSpan();
    return recording(span);
  }

  /** A conversation takes a post for its next write; null unless {@code parent} is traced. */
  public TraceSpan persist(String parent, String conv, String cid) {
    SpanBuilder child = child(parent, "parley.persist");
    if (child == null) return null;
    return recording(child.setAttribute(CONVERSATION, conv).setAttribute(CID, cid).startSpan());
  }

  /** A user entity passes a stored entry to its user's device sessions. */
  public TraceSpan deliver(String parent, String conv, long seq, String user) {
    SpanBuilder child = child(parent, "parley.deliver");
    if (child == null) return null;
    return recording(
        child
            .setAttribute(CONVERSATION, conv)
            .setAttribute(SEQ, seq)
            .setAttribute(USER, user)
            .startSpan());
  }

  /** A device session writes the entry's {@code msg} frame to its socket. */
  public TraceSpan write(String parent, String conv, long seq, String user, String device) {
    SpanBuilder child = child(parent, "parley.write");
    if (child == null) return null;
    return recording(
        child
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(CONVERSATION, conv)
            .setAttribute(SEQ, seq)
            .setAttribute(USER, user)
            .setAttribute(DEVICE, device)
            .startSpan());
  }

  /**
   * A span builder under the span that {@code traceparent} names, or null: tracing is off here, the
   * message came untraced, or its traceparent is not valid (then the trace ends here).
   */
  private SpanBuilder child(String traceparent, String name) {
    if (tracer == null || traceparent == null) return null;
    Context parent =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT);
    if (!Span.fromContext(parent).getSpanContext().isValid()) return null;
    return tracer.spanBuilder(name).setParent(parent);
  }

  private static TraceSpan recording(Span span) {
    return span.isRecording() ? new TraceSpan(span) : null;
  }
}
