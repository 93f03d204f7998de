package io.parley.edge.session;

import io.parley.timeline.Entry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Per conversation, writes entries to one socket in increasing seq order, each once. An entry that
 * arrives after a gap (a lost or reordered push) is held while the gap is read from the journal, so
 * a connection never shows n+1 before n. Gaps are filled at most {@code maxFill} entries at a time.
 * Not thread-safe: owned by one session actor.
 */
final class OrderedDelivery {
  /**
   * Asks for the entries {@code from..to} of conv; the answer comes back through {@link #filled}.
   */
  interface Filler {
    void fill(String conv, long from, long to);
  }

  private final Consumer<Entry> write;
  private final Filler filler;
  private final long maxFill;
  // Both empty and immutable until first written to: most idle sockets never track a
  // conversation or see a gap, and an empty HashMap is 48 bytes each (a used one keeps its table).
  private Map<String, Long> written = Collections.emptyMap();
  private Map<String, Gap> gaps = Collections.emptyMap();

  /**
   * A gap being read from the journal up to {@code to}, the entries waiting behind it, and the seq
   * owed up to.
   */
  private static final class Gap {
    final long to;
    final List<Entry> waiting = new ArrayList<>();
    long owed;

    Gap(long to) {
      this.to = to;
      this.owed = to;
    }
  }

  OrderedDelivery(Consumer<Entry> write, Filler filler, long maxFill) {
    this.write = write;
    this.filler = filler;
    this.maxFill = maxFill;
  }

  /**
   * The client already holds every entry up to the cursor (a conversation it has no cursor for
   * starts at its first push).
   */
  void startFrom(String conv, long cursor) {
    written().put(conv, cursor);
  }

  /** Like {@link #startFrom}, for a conversation this delivery has no position in yet. */
  void startFromIfUnknown(String conv, long cursor) {
    written().putIfAbsent(conv, cursor);
  }

  /** Stop tracking conv: its next entry is written as it comes (the client pages any gap). */
  void forget(String conv) {
    written.remove(conv);
  }

  /** True if e was written now; false if it waits behind a gap or was written before. */
  boolean offer(Entry e) {
    Gap gap = gaps.get(e.conv());
    if (gap != null) {
      gap.waiting.add(e);
      return false;
    }
    Long last = written.get(e.conv());
    if (last != null && e.seq() <= last) return false;
    if (last != null && e.seq() > last + 1) {
      open(e.conv(), last + 1, Math.min(e.seq() - 1, last + maxFill)).waiting.add(e);
      return false;
    }
    written().put(e.conv(), e.seq());
    write.accept(e);
    return true;
  }

  /**
   * Entries of conv up to {@code seq} exist that were not offered here (dropped while held, or
   * pushed while the user entity knew no session here): reads them from the journal, at most {@code
   * maxFill} at a time.
   */
  void readUpTo(String conv, long seq) {
    Gap gap = gaps.get(conv);
    if (gap != null) {
      gap.owed = Math.max(gap.owed, seq);
      return;
    }
    Long last = written.get(conv);
    if (last == null || seq <= last) return;
    open(conv, last + 1, Math.min(seq, last + maxFill)).owed = seq;
  }

  /**
   * The journal's entries for a gap. A gap that cannot be read is never skipped here: its entries
   * keep waiting, and the session ends the connection if it gives up ({@link GapFills}).
   */
  void filled(String conv, List<Entry> entries) {
    Gap gap = gaps.remove(conv);
    if (gap == null) return;
    if (gaps.isEmpty()) gaps = Collections.emptyMap(); // gaps are rare: not a table kept for good
    entries.forEach(this::offer);
    // Whatever the journal, read successfully, does not hold up to gap.to is skipped rather than
    // asked for again, so a conversation is never held for good; the client sees it and pages.
    if (written.getOrDefault(conv, 0L) < gap.to) written().put(conv, gap.to);
    gap.waiting.forEach(this::offer);
    if (gap.owed > gap.to) readUpTo(conv, gap.owed);
  }

  private Gap open(String conv, long from, long to) {
    Gap gap = new Gap(to);
    gaps().put(conv, gap);
    filler.fill(conv, from, to);
    return gap;
  }

  private Map<String, Long> written() {
    if (!(written instanceof HashMap)) written = new HashMap<>();
    return written;
  }

  private Map<String, Gap> gaps() {
    if (!(gaps instanceof HashMap)) gaps = new HashMap<>();
    return gaps;
  }
}
