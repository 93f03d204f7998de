package io.parley.conversation;

import io.parley.CborSerializable;
import io.parley.protocol.ErrorCode;
import io.parley.timeline.Entry;

/** Replies of the conversation entity. A rejection never carries content. */
public final class Replies {
  private Replies() {}

  public sealed interface PostReply extends CborSerializable {}

  public sealed interface PageReply extends CborSerializable {}

  public sealed interface SummaryReply extends CborSerializable {}

  public sealed interface MembersReply extends CborSerializable {}

  /** The entry is durable with this seq (or was already, for a retried cid). */
  public record Posted(long seq, long ts) implements PostReply {}

  /** History entries {@code from..to} (inclusive; empty when to < from) may be read. */
  public record PageRange(long from, long to, boolean hasMore) implements PageReply {}

  /**
   * lastEntry is null while the timeline is empty; epoch is "" then; title only for groups. {@code
   * firstSeq}: the first entry the user may read (in a group, the one that last added them; 0 from
   * a node that predates it, read as 1). {@code role}: the user's role in a group (owner, admin,
   * member); null otherwise, and from a node that predates it.
   */
  public record Summary(
      String conv,
      String kind,
      String title,
      long lastSeq,
      long lastOwnSeq,
      String epoch,
      Entry lastEntry,
      long firstSeq,
      String role)
      implements SummaryReply {}

  /** One page of a group's members ({@link Membership#page}); {@code more}: later pages follow. */
  public record MembersPage(java.util.List<MemberRole> members, boolean more)
      implements MembersReply {}

  public record MemberRole(String user, String role) implements CborSerializable {}

  /**
   * Edited entries and the seq of each one's latest edit: {@code targets[i]} was last edited by
   * {@code latest[i]}; targets ascending.
   */
  public record Edits(long[] targets, long[] latest) implements CborSerializable {
    public boolean none() {
      return targets.length == 0;
    }
  }

  public record Rejected(ErrorCode code, String message)
      implements PostReply, PageReply, SummaryReply, MembersReply {}

  /**
   * A post that reached its conversation (or its write) after its deadline: refused, never stored.
   */
  static final Rejected LATE =
      new Rejected(
          ErrorCode.UNAVAILABLE,
          "the conversation was unavailable until after this send's deadline; nothing was stored;"
              + " retry with the same cid");

  /** A conversation's refusal of this kind, with the message its clients see. */
  static Rejected rejected(ErrorCode code) {
    String message =
        switch (code) {
          case FORBIDDEN -> "not allowed in this conversation";
          case NOT_FOUND -> "no such user in this conversation";
          case BAD_REQUEST -> "not possible in this kind of conversation";
          default -> "conversation temporarily unavailable; retry with the same cid";
        };
    return new Rejected(code, message);
  }
}
