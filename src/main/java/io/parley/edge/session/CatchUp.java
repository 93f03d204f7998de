package io.parley.edge.session;

import io.parley.protocol.ServerFrame;
import io.parley.timeline.Entry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A session's hello sync, written as fast as the socket takes it: the conv_state frames, then per
 * conversation the entries after its cursor, read from the journal a page at a time. Nothing is
 * written while the socket's outbox is past its low-water mark, so a user in 10,000 conversations
 * (or one whose phone was off for a day) syncs at the reader's pace instead of overflowing the
 * outbox and being closed as a slow reader on every reconnect. Owned by one session actor.
 */
final class CatchUp {
  /** What the pump needs from its session. */
  interface Io {
    void write(ServerFrame frame);

    /** Writes a catch-up entry (through the session's ordered delivery). */
    void offer(Entry entry);

    /** Reads entries from..to of conv; the answer comes back through {@link #read}. */
    void read(String conv, long from, long to);

    /** Whether the socket's outbox is below its low-water mark. */
    boolean hasRoom();

    /** Asks for a nudge (the session calls {@link #pump} again) once the outbox has room. */
    void whenRoom();
  }

  /** Entries from..to of conv still to read. */
  private static final class Span {
    final String conv;
    long from;
    final long to;

    Span(String conv, long from, long to) {
      this.conv = conv;
      this.from = from;
      this.to = to;
    }
  }

  private final Io io;
  private final int pageSize;
  private final Deque<ServerFrame.ConvState> states;
  private final Deque<Span> spans = new ArrayDeque<>();
  private final Deque<Entry> entries = new ArrayDeque<>();
  private boolean reading;

  /**
   * {@code cursors}: per conversation, the highest seq the device holds; entries after it are
   * caught up, at most {@code max} per conversation.
   */
  CatchUp(
      Io io,
      List<ServerFrame.ConvState> states,
      java.util.Map<String, Long> cursors,
      long max,
      int pageSize) {
    this.io = io;
    this.pageSize = pageSize;
    this.states = new ArrayDeque<>(states);
    for (ServerFrame.ConvState state : states) {
      Long cursor = cursors.get(state.conv());
      if (cursor == null || cursor >= state.lastSeq()) continue;
      spans.add(new Span(state.conv(), cursor + 1, Math.min(state.lastSeq(), cursor + max)));
    }
  }

  /** Conversations whose catch-up stops short of their last seq: the client pages the rest. */
  static List<String> cutShort(
      List<ServerFrame.ConvState> states, java.util.Map<String, Long> cursors, long max) {
    List<String> cut = new ArrayList<>();
    for (ServerFrame.ConvState state : states) {
      Long cursor = cursors.get(state.conv());
      if (cursor != null && state.lastSeq() - cursor > max) cut.add(state.conv());
    }
    return cut;
  }

  /** Writes what the outbox has room for; true once everything is written. */
  boolean pump() {
    while (io.hasRoom()) {
      if (!states.isEmpty()) {
        io.write(states.poll());
      } else if (!entries.isEmpty()) {
        io.offer(entries.poll());
      } else if (reading) {
        return false;
      } else if (spans.isEmpty()) {
        return true;
      } else {
        readNextPage();
        return false;
      }
    }
    io.whenRoom();
    return false;
  }

  /** A page read for {@link Io#read} (empty if it failed: the client pages that gap itself). */
  void read(List<Entry> page) {
    reading = false;
    entries.addAll(page);
  }

  private void readNextPage() {
    Span span = spans.peek();
    long to = Math.min(span.to, span.from + pageSize - 1);
    reading = true;
    io.read(span.conv, span.from, to);
    span.from = to + 1;
    if (span.from > span.to) spans.poll();
  }
}
