package io.parley.conversation;

import java.util.Arrays;

/**
 * Which entries of a conversation were edited, and the seq of each one's latest edit: how history,
 * catch-up and gap fills, which read the journal by seq range, show an old entry with its latest
 * text. They ask the conversation for the edits of the range they read, then read those edit
 * entries (often already in the range) and fold their text in.
 *
 * <p>Why here, and not in a table of its own: it is derived from the journal by the entity's own
 * replay, so it is right after any restart or failover, with no second write that could fail apart
 * from the journal's (an edit costs no write beyond its entry), and it holds no text, so nothing
 * new is stored outside the encrypted journal. Its price is memory and snapshot bytes: 16 bytes per
 * edited entry (sorted primitive arrays; 10,000 edited entries are 160 KB), kept for the
 * conversation's life. Mutable, like {@link DedupWindow}; only the entity's thread touches it.
 */
final class EditIndex {
  private long[] targets;
  private long[] latest;
  private int size;

  EditIndex() {
    this(new long[0], new long[0]);
  }

  private EditIndex(long[] targets, long[] latest) {
    this.targets = targets;
    this.latest = latest;
    this.size = targets.length;
  }

  /** Entry {@code target} was edited by entry {@code editSeq} (later than any before). */
  void edited(long target, long editSeq) {
    int i = Arrays.binarySearch(targets, 0, size, target);
    if (i >= 0) {
      latest[i] = editSeq;
      return;
    }
    int at = -i - 1;
    if (size == targets.length) {
      int capacity = Math.max(8, size * 2);
      targets = Arrays.copyOf(targets, capacity);
      latest = Arrays.copyOf(latest, capacity);
    }
    System.arraycopy(targets, at, targets, at + 1, size - at);
    System.arraycopy(latest, at, latest, at + 1, size - at);
    targets[at] = target;
    latest[at] = editSeq;
    size++;
  }

  /** The latest edit of each edited entry {@code from <= seq <= to}, by ascending target. */
  Replies.Edits in(long from, long to) {
    int start = position(from);
    int end = position(to + 1);
    return new Replies.Edits(
        Arrays.copyOfRange(targets, start, end), Arrays.copyOfRange(latest, start, end));
  }

  private int position(long seq) {
    int i = Arrays.binarySearch(targets, 0, size, seq);
    return i >= 0 ? i : -i - 1;
  }

  /** An immutable copy for a snapshot. */
  Replies.Edits all() {
    return new Replies.Edits(Arrays.copyOf(targets, size), Arrays.copyOf(latest, size));
  }

  static EditIndex of(Replies.Edits stored) {
    return stored == null
        ? new EditIndex()
        : new EditIndex(stored.targets().clone(), stored.latest().clone());
  }
}
