package io.parley.edge.session;

import io.parley.protocol.ServerFrame;
import io.parley.timeline.Entry;
import java.util.List;

/** What a {@link Session} sends itself: its timers' ticks and the answers to what it asked. */
final class SessionMessages {
  private SessionMessages() {}

  enum Tick implements Connection.Command {
    INSTANCE
  }

  enum FlushAcks implements Connection.Command {
    INSTANCE
  }

  record Reply(ServerFrame frame) implements Connection.Command {}

  /** The answer to one of this session's sends (it holds a slot of the node's send gate). */
  record SendAnswered(ServerFrame frame) implements Connection.Command {}

  /** A gap's entries read from the journal ({@link GapFills}), or why they could not be. */
  record Filled(String conv, List<Entry> entries, Throwable failure)
      implements Connection.Command {}

  record HistoryAnswered(ServerFrame frame) implements Connection.Command {}

  /** The moderation service's verdict on a waiting send ({@link Reviews}). */
  record Reviewed(Reviews.Pending pending, io.parley.moderation.Verdict verdict)
      implements Connection.Command {}

  /** The friends' presence list of the hello ({@link PresenceListing}), or why there is none. */
  record PresenceListed(ServerFrame frame) implements Connection.Command {}

  enum TokenExpired implements Connection.Command {
    INSTANCE
  }
}
