package io.parley.edge.session;

import io.parley.edge.session.SessionMessages.Filled;
import io.parley.push.SessionMessage;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Reads the gaps a session's {@link OrderedDelivery} finds (pushes lost while a user entity moved)
 * from the journal, patiently ({@link PatientReads}); the live entries behind a gap wait meanwhile.
 * A gap that still cannot be read once parley.session.sync-patience is spent ends the connection:
 * writing what waits behind it would skip the gap, and on reconnect the client's cursors bring a
 * catch-up from where it is. Owned by one session actor.
 */
final class GapFills implements OrderedDelivery.Filler {
  static final String GAVE_UP = "could not read the entries you missed; reconnect";

  private final ActorContext<SessionMessage> ctx;
  private final PatientReads reads;
  private final SessionSettings settings;

  GapFills(ActorContext<SessionMessage> ctx, PatientReads reads, SessionSettings settings) {
    this.ctx = ctx;
    this.reads = reads;
    this.settings = settings;
  }

  @Override
  public void fill(String conv, long from, long to) {
    ctx.pipeToSelf(
        reads.read(conv, from, to, new Patience(settings, System.nanoTime())),
        (entries, failure) -> new Filled(conv, entries, failure));
  }

  /** Hands a gap's entries to delivery; false if they could not be read (end the connection). */
  boolean filled(OrderedDelivery delivery, Filled m) {
    if (m.failure() != null) return false;
    delivery.filled(m.conv(), m.entries());
    return true;
  }
}
