package io.parley.user;

import io.parley.timeline.Entry;
import io.parley.user.ConversationNotices.Counts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The user's total unread, the badge of a push, as {@code GET /api/v1/conversations} counts it: per
 * conversation, last seq minus read seq, where read seq is the later of the read marker (stored in
 * the entity) and the user's latest own entry, never before the entry that added the user, never
 * beyond the last seq. The last seq, the own seq and the first seq live here, in memory only: the
 * entity sees every entry of its conversations ({@link UserEntity.Deliver}), so they stay exact
 * without a write per message, once a conversation's summary has been merged in (which says what
 * came before this incarnation). A conversation not summarized yet counts what its entries showed.
 * Part of one user entity's actor; kept only while the user has push devices.
 */
final class Badge {
  private final String userId;
  private final Map<String, Counts> counts = new HashMap<>();
  private final Set<String> summarized = new HashSet<>();

  Badge(String userId) {
    this.userId = userId;
  }

  /** An entry of one of the user's conversations. Counts only grow, so the order never matters. */
  void saw(Entry entry) {
    boolean own = userId.equals(entry.from()) && !"system".equals(entry.kind());
    long first = entry.adds(userId) ? entry.seq() : 0;
    merge(entry.conv(), new Counts(entry.seq(), own ? entry.seq() : 0, first));
  }

  /** Summaries asked for this push ({@link #unsummarized}); each makes its conversation exact. */
  void summaries(Map<String, Counts> answered) {
    answered.forEach(this::merge);
    summarized.addAll(answered.keySet());
  }

  private void merge(String conv, Counts more) {
    counts.merge(
        conv,
        more,
        (a, b) ->
            new Counts(
                Math.max(a.lastSeq(), b.lastSeq()),
                Math.max(a.lastOwnSeq(), b.lastOwnSeq()),
                Math.max(a.firstSeq(), b.firstSeq())));
  }

  /** The user's conversations whose summary this incarnation has not merged yet. */
  List<String> unsummarized(Set<String> conversations) {
    List<String> missing = new ArrayList<>();
    for (String conv : conversations) if (!summarized.contains(conv)) missing.add(conv);
    return missing;
  }

  /** The total unread over the user's conversations ({@code inbox}: their read markers). */
  long total(Inbox inbox) {
    long total = 0;
    for (Map.Entry<String, Long> read : inbox.reads().entrySet()) {
      Counts c = counts.get(read.getKey());
      if (c == null) continue;
      long seen = Math.max(Math.max(read.getValue(), c.lastOwnSeq()), c.firstSeq() - 1);
      total += c.lastSeq() - Math.min(seen, c.lastSeq());
    }
    return total;
  }
}
