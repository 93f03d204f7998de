package io.parley.edge.session;

import io.parley.timeline.Entry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Per conversation, writes entries to one socket in increasing seq order, each once. An entry that
 * arrives after a gap (a lost or reordered push) is held while the gap is read from the journal, so
 * a connection never shows n+1 before n. Gaps are filled at most {@code maxFill} entries at a time.
 * A conversation the user entered after the hello sync (created, or joined, since) is owed from
 * where they entered it, so the loss of its first pushes is filled too, up to {@code maxFill}
 * entries back. A group's entries from a time the user was not in it are never written ({@link
 * MemberEntries}). Not thread-safe: owned by one session actor.
 */
final class OrderedDelivery {
  /**
   * Asks for the entries {@code from..to} of conv; the answer comes back through {@link #filled}.
   */
  interface Filler {
    void fill(String conv, long from, long to);
  }

  private final String user;
  private final Consumer<Entry> write;
  private final Filler filler;
  private final long maxFill;
  // All empty and immutable until first written to: most idle sockets never track a conversation
  // or see a gap, and an empty HashMap is 48 bytes each (a used one keeps its table).
  private Map<String, Long> written = Collections.emptyMap();
  private Map<String, Gap> gaps = Collections.emptyMap();
  // Groups the user was removed from at their position here: only an entry adding them again is
  // theirs, and what came between is not.
  private Set<String> out = Collections.emptySet();
  // The conversations the session knows the user is in (by the hello sync, or entries and pages
  // since); those without a position here (no cursor, or the catch-up was cut short) have their
  // entries go out as they come, and the client pages the rest.
  private final Predicate<String> known;
  // Whether the hello sync named the user's conversations; then one neither tracked nor known is
  // one the user entered since.
  private boolean listed;

  /**
   * A gap being read from the journal, the entries waiting behind it, the seq owed up to, and
   * whether the user was in the conversation before it (null: not known, see {@link
   * MemberEntries}).
   */
  private static final class Gap {
    final long from;
    final long to;
    final Boolean member;
    final List<Entry> waiting = new ArrayList<>();
    long owed;

    Gap(long from, long to, Boolean member) {
      this.from = from;
      this.to = to;
      this.member = member;
      this.owed = to;
    }
  }

  OrderedDelivery(
      String user, Consumer<Entry> write, Filler filler, long maxFill, Predicate<String> known) {
    this.user = user;
    this.known = known;
    this.write = write;
    this.filler = filler;
    this.maxFill = maxFill;
  }

  /** The client already holds every entry up to the cursor. */
  void startFrom(String conv, long cursor) {
    written().put(conv, cursor);
    out.remove(conv);
  }

  /** Like {@link #startFrom}, for a conversation of the hello's with no position here yet. */
  void startFromIfUnknown(String conv, long cursor) {
    if (!written.containsKey(conv) && !entered(conv)) startFrom(conv, cursor);
  }

  /**
   * The hello sync told the session the user's conversations: from now on one it does not know is
   * one the user entered since.
   */
  void listed() {
    listed = true;
  }

  /** Stop tracking conv: its next entry is written as it comes (the client pages any gap). */
  void forget(String conv) {
    written.remove(conv);
    out.remove(conv);
  }

  /** True if e was written now; false if it waits behind a gap or was written before. */
  boolean offer(Entry e) {
    String conv = e.conv();
    Gap gap = gaps.get(conv);
    if (gap != null) {
      gap.waiting.add(e);
      return false;
    }
    Long last = written.get(conv);
    Boolean member = Boolean.TRUE;
    if (last == null && entered(conv)) {
      last = enter(e, 0);
      member = null;
    } else if (last != null && e.seq() > last && out.contains(conv)) {
      last = enter(e, last);
      member = Boolean.FALSE;
    }
    if (last != null && e.seq() <= last) return false;
    if (last != null && e.seq() > last + 1) {
      open(conv, last + 1, Math.min(e.seq() - 1, last + maxFill), member).waiting.add(e);
      return false;
    }
    written().put(conv, e.seq());
    write.accept(e);
    // Only members get entries (pushed, or filled: MemberEntries), the one removing them last.
    if (e.removes(user)) out().add(conv);
    else out.remove(conv);
    return true;
  }

  /**
   * Entries of conv up to {@code seq} exist that were not offered here (dropped while held, or
   * pushed while the user entity knew no session here): reads them from the journal, at most {@code
   * maxFill} at a time; for a conversation the client pages (known, no position), nothing.
   */
  void readUpTo(String conv, long seq) {
    Gap gap = gaps.get(conv);
    if (gap != null) {
      gap.owed = Math.max(gap.owed, seq);
      return;
    }
    Long last = written.get(conv);
    Boolean member = Boolean.TRUE;
    if (last == null && entered(conv)) {
      last = Math.max(0, seq - maxFill);
      member = null;
    } else if (last != null && seq > last && out.contains(conv)) {
      last = Math.max(last, seq - maxFill);
      member = Boolean.FALSE;
    }
    if (last == null || seq <= last) return;
    written().put(conv, last);
    open(conv, last + 1, Math.min(seq, last + maxFill), member).owed = seq;
  }

  /**
   * The journal's entries for a gap. A gap that cannot be read is never skipped here: its entries
   * keep waiting, and the session ends the connection if it gives up ({@link GapFills}).
   */
  void filled(String conv, List<Entry> entries) {
    Gap gap = gaps.remove(conv);
    if (gap == null) return;
    if (gaps.isEmpty()) gaps = Collections.emptyMap(); // gaps are rare: not a table kept for good
    MemberEntries members = MemberEntries.of(user, conv, gap.member, gap.from, entries);
    for (Entry e : entries) {
      if (members.sees(e)) offer(e);
      else if (written.getOrDefault(conv, 0L) < e.seq()) written().put(conv, e.seq()); // not theirs
    }
    // Whatever the journal, read successfully, does not hold up to gap.to is skipped rather than
    // asked for again, so a conversation is never held for good; the client sees it and pages.
    if (written.getOrDefault(conv, 0L) < gap.to) written().put(conv, gap.to);
    if (members.member()) out.remove(conv);
    else out().add(conv);
    gap.waiting.forEach(this::offer);
    if (gap.owed > gap.to) readUpTo(conv, gap.owed);
  }

  /** Whether conv is one the user entered after the hello sync (and has no position here). */
  private boolean entered(String conv) {
    return listed && !written.containsKey(conv) && !known.test(conv);
  }

  /**
   * The position in a conversation the user entered since the hello, or entered again after being
   * removed at {@code floor}, from its first entry here since: the entry before, if this one adds
   * them to a group; else as far back as one fill reaches (a direct conversation has its members
   * from seq 1, and a group's entries from a time they were out are dropped from the fill).
   */
  private long enter(Entry first, long floor) {
    long last = first.adds(user) ? first.seq() - 1 : Math.max(floor, first.seq() - 1 - maxFill);
    written().put(first.conv(), last);
    return last;
  }

  private Gap open(String conv, long from, long to, Boolean member) {
    Gap gap = new Gap(from, to, member);
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

  private Set<String> out() {
    if (!(out instanceof HashSet)) out = new HashSet<>();
    return out;
  }
}
