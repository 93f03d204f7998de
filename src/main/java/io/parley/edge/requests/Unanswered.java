package io.parley.edge.requests;

import io.parley.metrics.Metrics;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import java.util.concurrent.CompletionStage;

/**
 * What a request is told when its entity did not answer in time. {@code unavailable} promises that
 * nothing was stored (docs/protocol.md, "Timeouts"), and only a read can keep that promise: a
 * change may still take effect after the edge stopped waiting (sharding holds a request while its
 * entity moves, and hands it over later; a slow write may still end stored). So a read ({@code
 * history}, {@code contacts}) gets {@code unavailable}, and every other request {@code internal},
 * outcome unknown, with what to do about it.
 */
public final class Unanswered {
  private static final String OUTCOME_UNKNOWN = "outcome unknown: not answered in time; ";

  private Unanswered() {}

  /** {@code reply}, or, if it fails (no answer in time), what {@code request} is told then. */
  public static CompletionStage<ServerFrame> answered(
      ClientFrame request, CompletionStage<ServerFrame> reply) {
    return reply.exceptionally(failure -> to(request));
  }

  /** What {@code request} is told when its entity did not answer in time. */
  public static ServerFrame to(ClientFrame request) {
    if (request instanceof ClientFrame.History
        || request instanceof ClientFrame.Contacts
        || request instanceof ClientFrame.FindPeople
        || request instanceof ClientFrame.PresenceQuery
        || request instanceof ClientFrame.Members) {
      return ServerFrame.Error.of(
          request.rid(), ErrorCode.UNAVAILABLE, "not answered in time; nothing was stored; retry");
    }
    if (request instanceof ClientFrame.Create) {
      // Not idempotent: each create makes a group of its own.
      return unknown(
          request.rid(),
          "the group may still be created: look at your conversations before creating it again");
    }
    return change(request.rid());
  }

  /** A change that may still take effect: repeating it is safe (docs/protocol.md says why). */
  static ServerFrame change(String rid) {
    return unknown(rid, "it may still take effect; retry the same request: repeating it is safe");
  }

  /**
   * A send its conversation did not answer even after its deadline and the longest write: it may
   * have been stored (its node died mid-write), so not {@code unavailable} ({@link SendDeadline}).
   */
  static ServerFrame send(String rid) {
    Metrics.SENDS_UNKNOWN.increment();
    return ServerFrame.Error.of(
        rid,
        ErrorCode.INTERNAL,
        "outcome unknown: the conversation did not answer in time; retry with the same cid: you"
            + " get the original sent if it was stored");
  }

  private static ServerFrame unknown(String rid, String advice) {
    return ServerFrame.Error.of(rid, ErrorCode.INTERNAL, OUTCOME_UNKNOWN + advice);
  }
}
