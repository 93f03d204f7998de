package io.parley.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;

/**
 * One recording span of a send. Exists only while tracing is on and the send is sampled, so callers
 * hold a null instead and check for it. Not thread-safe in use: one actor owns it at a time.
 */
public final class TraceSpan {
  private final Span span;
  private String traceparent;

  TraceSpan(Span span) {
    this.span = span;
  }

  /**
   * This span as a W3C {@code traceparent} value, the field that carries it to the next actor (on
   * this node or another): version 00, trace id, span id, flags.
   */
  public String traceparent() {
    if (traceparent == null) {
      SpanContext c = span.getSpanContext();
      traceparent = "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }
    return traceparent;
  }

  /** The timeline seq of the entry this span is about, once known. */
  public TraceSpan seq(long seq) {
    span.setAttribute(Tracing.SEQ, seq);
    return this;
  }

  /** A push: how many live device sessions of the user it was passed to. */
  public TraceSpan sessions(int sessions) {
    span.setAttribute(Tracing.SESSIONS, sessions);
    return this;
  }

  /**
   * A socket write: whether the entry was written at once, or held (behind the hello catch-up or a
   * gap being read, to be written in order later) or dropped as already written.
   */
  public TraceSpan written(boolean written) {
    span.setAttribute(Tracing.WRITTEN, written);
    return this;
  }

  /** The step failed or was refused; {@code code} is Parley's error code, never user text. */
  public TraceSpan failed(String code) {
    span.setAttribute(Tracing.ERROR, code);
    span.setStatus(StatusCode.ERROR, code);
    return this;
  }

  public void end() {
    span.end();
  }
}
