package io.parley.conversation;

import io.parley.conversation.Replies.PageRange;

/** Which seqs a history page covers, given the timeline's end and the reader's first seq. */
final class Pages {
  private Pages() {}

  static PageRange range(long last, long first, ConversationEntity.Page cmd) {
    if (cmd.after() != null) {
      long from = Math.max(first, cmd.after() + 1);
      long to = Math.min(last, from + cmd.limit() - 1);
      return new PageRange(from, to, to < last);
    }
    long to = cmd.before() == null ? last : Math.min(last, cmd.before() - 1);
    long from = Math.max(first, to - cmd.limit() + 1);
    return new PageRange(from, to, from > first && to >= first);
  }
}
