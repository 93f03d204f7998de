package io.parley.edge.session;

import io.parley.conversation.ConversationId;
import io.parley.timeline.Entry;
import java.util.List;

/**
 * Which entries of a gap, read from the journal, a user may see, asked in seq order. The journal
 * holds a group's whole timeline, but a member sees it only from the entry that added them, as
 * history shows it, and nothing of a time they were out (removed, then added again). Direct
 * conversations have their two members from seq 1: every entry is theirs. One per gap filled.
 */
final class MemberEntries {
  private final String user;
  private final boolean group;
  private boolean member;

  private MemberEntries(String user, boolean group, boolean member) {
    this.user = user;
    this.group = group;
    this.member = member;
  }

  /**
   * For the entries of conv read for a gap from {@code from}; {@code memberBefore} says whether the
   * user was in it just before, or is null when that is not known.
   */
  static MemberEntries of(
      String user, String conv, Boolean memberBefore, long from, List<Entry> entries) {
    boolean group = ConversationId.parse(conv).map(ConversationId::isGroup).orElse(false);
    boolean member =
        !group || (memberBefore != null ? memberBefore : memberBefore(user, from, entries));
    return new MemberEntries(user, group, member);
  }

  /** Whether the user may see e, the next entry in seq order. */
  boolean sees(Entry e) {
    if (!group) return true;
    if (e.adds(user)) member = true;
    boolean sees = member; // the entry that removes them is theirs to see
    if (e.removes(user)) member = false;
    return sees;
  }

  /** Whether the user is in the conversation after the entries asked about. */
  boolean member() {
    return member;
  }

  /**
   * Whether user was in the group just before {@code from}, for a group they were pushed an entry
   * of after the range: the first change to their membership in it tells (an add: they were out; a
   * removal: they were in). With no change in it they were in throughout, unless it starts at seq
   * 1, whose "created" entry adds every first member.
   */
  private static boolean memberBefore(String user, long from, List<Entry> entries) {
    for (Entry e : entries) {
      if (e.adds(user)) return false;
      if (e.removes(user)) return true;
    }
    return from > 1;
  }
}
