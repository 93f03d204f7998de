package io.parley.user;

import io.parley.CborSerializable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One user's side of their contacts: friends, friend requests in and out, and the users they block.
 * Immutable.
 *
 * <p>A contact op touches two user entities. The other party's side is written first ({@link
 * #incoming}), then the requester's ({@link #apply}); both are idempotent, so a retry after a
 * failure in between repairs the requester's side, and the two sides never disagree in any way
 * other than "the requester's side lags".
 */
public record Contacts(
    Set<String> friends, Set<String> pendingIn, Set<String> pendingOut, Set<String> blocked)
    implements CborSerializable {
  static final Contacts EMPTY = new Contacts(Set.of(), Set.of(), Set.of(), Set.of());

  public Contacts {
    // Snapshots written before a field existed deserialize it as null.
    friends = friends == null ? Set.of() : friends;
    pendingIn = pendingIn == null ? Set.of() : pendingIn;
    pendingOut = pendingOut == null ? Set.of() : pendingOut;
    blocked = blocked == null ? Set.of() : blocked;
  }

  /** What happened between this user and another. Stored in the journal by name. */
  public enum Change {
    REQUEST_SENT,
    REQUEST_RECEIVED,
    FRIEND_ADDED,
    /** Friendship and requests both ways are gone. */
    DROPPED,
    /** Dropped, and blocked. */
    BLOCKED,
    UNBLOCKED
  }

  /** A contact op another user applies to this user's side. */
  public enum Op {
    REQUEST,
    ACCEPT,
    REMOVE,
    BLOCK
  }

  /** How this side answered another user's op. */
  public enum Answer implements CborSerializable {
    UNKNOWN_USER,
    /** This user blocks the requester: nothing stored, and the requester must not learn why. */
    IGNORED,
    PENDING,
    FRIENDS,
    NOT_PENDING,
    DONE,
    /** This user already has the most friend requests in that one may hold: nothing stored. */
    FULL
  }

  /**
   * This side's part of another user's op: the change to store (null: none), the contact event for
   * this user's devices (null: none) and the answer.
   */
  record Incoming(Change change, String event, Answer answer) {}

  /**
   * {@code maxPendingIn}: the most requests this user may have waiting; beyond it a new one is
   * refused, so other users cannot grow this user's state (and its contacts reply) without bound.
   */
  Incoming incoming(Op op, String other, int maxPendingIn) {
    switch (op) {
      case REQUEST:
        if (blocked.contains(other)) return new Incoming(null, null, Answer.IGNORED);
        if (friends.contains(other)) return new Incoming(null, null, Answer.FRIENDS);
        // Both asked each other: that is an accept of this user's own request.
        if (pendingOut.contains(other))
          return new Incoming(Change.FRIEND_ADDED, "accept", Answer.FRIENDS);
        if (pendingIn.contains(other)) return new Incoming(null, null, Answer.PENDING);
        if (pendingIn.size() >= maxPendingIn) return new Incoming(null, null, Answer.FULL);
        return new Incoming(Change.REQUEST_RECEIVED, "request", Answer.PENDING);
      case ACCEPT:
        if (friends.contains(other)) return new Incoming(null, null, Answer.FRIENDS);
        // Only a request this user still has out can be accepted (it may have been withdrawn).
        if (pendingOut.contains(other))
          return new Incoming(Change.FRIEND_ADDED, "accept", Answer.FRIENDS);
        return new Incoming(null, null, Answer.NOT_PENDING);
      case REMOVE:
        return knows(other)
            ? new Incoming(Change.DROPPED, "remove", Answer.DONE)
            : new Incoming(null, null, Answer.DONE);
      case BLOCK:
      default:
        // No event: a blocked user hears nothing from the blocker.
        return new Incoming(knows(other) ? Change.DROPPED : null, null, Answer.DONE);
    }
  }

  /** Friends or a request either way: whose presence this user may see. */
  boolean knows(String other) {
    return friends.contains(other) || pendingIn.contains(other) || pendingOut.contains(other);
  }

  /** The contacts after change; the same contacts if change is already in effect. */
  Contacts apply(Change change, String other) {
    switch (change) {
      case REQUEST_SENT:
        return friends.contains(other)
            ? this
            : with(friends, pendingIn, plus(pendingOut, other), blocked);
      case REQUEST_RECEIVED:
        return friends.contains(other)
            ? this
            : with(friends, plus(pendingIn, other), pendingOut, blocked);
      case FRIEND_ADDED:
        return with(
            plus(friends, other), minus(pendingIn, other), minus(pendingOut, other), blocked);
      case DROPPED:
        return with(
            minus(friends, other), minus(pendingIn, other), minus(pendingOut, other), blocked);
      case BLOCKED:
        return apply(Change.DROPPED, other).with(null, null, null, plus(blocked, other));
      case UNBLOCKED:
      default:
        return with(friends, pendingIn, pendingOut, minus(blocked, other));
    }
  }

  /** The four lists, sorted, for the {@code contacts} frame. */
  public record View(
      List<String> friends, List<String> pendingIn, List<String> pendingOut, List<String> blocked)
      implements CborSerializable {}

  /** Which of these users this user blocks. */
  Set<String> blocksAmong(List<String> users) {
    return users.stream().filter(blocked::contains).collect(Collectors.toUnmodifiableSet());
  }

  View view() {
    return new View(sorted(friends), sorted(pendingIn), sorted(pendingOut), sorted(blocked));
  }

  /** A copy with the given sets; null keeps this one's. */
  private Contacts with(Set<String> f, Set<String> in, Set<String> out, Set<String> b) {
    return new Contacts(
        f == null ? friends : f,
        in == null ? pendingIn : in,
        out == null ? pendingOut : out,
        b == null ? blocked : b);
  }

  private static Set<String> plus(Set<String> set, String user) {
    if (set.contains(user)) return set;
    Set<String> copy = new HashSet<>(set);
    copy.add(user);
    return Set.copyOf(copy);
  }

  private static Set<String> minus(Set<String> set, String user) {
    if (!set.contains(user)) return set;
    Set<String> copy = new HashSet<>(set);
    copy.remove(user);
    return Set.copyOf(copy);
  }

  private static List<String> sorted(Set<String> set) {
    return set.stream().sorted().toList();
  }
}
