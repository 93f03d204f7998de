package io.parley.edge.requests;

import io.parley.protocol.ServerFrame;
import io.parley.tracing.TraceSpan;

/** The sender's span of a send (io.parley.tracing), ended with what the send was answered. */
final class SendTraces {
  private SendTraces() {}

  /** Ends the send's span (if traced) with its outcome; returns the answer unchanged. */
  static ServerFrame answered(TraceSpan span, ServerFrame answer) {
    if (span == null) return answer;
    if (answer instanceof ServerFrame.Sent sent) span.seq(sent.seq());
    else if (answer instanceof ServerFrame.Error error) span.failed(error.code());
    span.end();
    return answer;
  }
}
