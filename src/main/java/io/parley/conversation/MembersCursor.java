package io.parley.conversation;

import io.parley.CborSerializable;
import io.parley.user.UserId;
import java.util.Comparator;
import java.util.Optional;

/**
 * Where a page of a group's members ends: the last member's place in the order (role rank, then
 * id). On the wire {@code "<rank>:<user>"}, so that the next page starts after it even if that
 * member has left or changed role meanwhile.
 */
public record MembersCursor(int rank, String user)
    implements CborSerializable, Comparable<MembersCursor> {
  private static final Comparator<MembersCursor> ORDER =
      Comparator.comparingInt(MembersCursor::rank).thenComparing(MembersCursor::user);

  @Override
  public int compareTo(MembersCursor other) {
    return ORDER.compare(this, other);
  }

  /** The cursor after this member. */
  public static String after(String user, String role) {
    return Membership.rank(role) + ":" + user;
  }

  /** A cursor given by a client; empty when it is not one this class wrote. */
  public static Optional<MembersCursor> parse(String wire) {
    // A rank, then a user id as UserId spells them.
    if (wire == null || !wire.matches("[0-2]:.*") || !UserId.isValid(wire.substring(2)))
      return Optional.empty();
    return Optional.of(new MembersCursor(wire.charAt(0) - '0', wire.substring(2)));
  }
}
