package io.parley.tracing;

import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.pekko.actor.setup.Setup;

/**
 * Given to the actor system (in its {@code ActorSystemSetup}), sends the node's spans to this
 * exporter, one by one as they end, instead of to the OTLP endpoint: for tests, with an in-memory
 * exporter. {@code parley.tracing.enabled} still decides whether any span is made.
 */
public final class TracingSetup extends Setup {
  private final SpanExporter exporter;

  public TracingSetup(SpanExporter exporter) {
    this.exporter = exporter;
  }

  SpanExporter exporter() {
    return exporter;
  }
}
