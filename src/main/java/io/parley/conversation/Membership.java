package io.parley.conversation;

import io.parley.CborSerializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A group's members and their roles, changed only by {@code system} timeline entries, so that
 * membership replays in order with the messages. Roles: owner (one), admin, member. Each member
 * remembers the seq of the entry that added them: history before it is not theirs to read.
 */
public final class Membership {
  public static final String OWNER = "owner";
  public static final String ADMIN = "admin";
  public static final String MEMBER = "member";

  /** One member's role and the seq of the entry that let them in. */
  public record Member(String role, long joinedSeq) implements CborSerializable {}

  private final Map<String, Member> members;
  private String title;

  Membership(Map<String, Member> members, String title) {
    this.members = new HashMap<>(members);
    this.title = title;
  }

  static Membership empty() {
    return new Membership(Map.of(), null);
  }

  Map<String, Member> members() {
    return Map.copyOf(members);
  }

  String title() {
    return title;
  }

  int size() {
    return members.size();
  }

  Optional<Member> member(String user) {
    return Optional.ofNullable(members.get(user));
  }

  boolean isMember(String user) {
    return members.containsKey(user);
  }

  boolean isManager(String user) {
    Member m = members.get(user);
    return m != null && (m.role().equals(OWNER) || m.role().equals(ADMIN));
  }

  boolean isOwner(String user) {
    Member m = members.get(user);
    return m != null && m.role().equals(OWNER);
  }

  List<String> users() {
    return new ArrayList<>(members.keySet());
  }

  /** The user's role, or null when they are not a member. */
  String roleOf(String user) {
    Member m = members.get(user);
    return m == null ? null : m.role();
  }

  /**
   * Up to {@code limit} members after {@code after} (null: from the start) in the order owner,
   * admins, members, each by id, and whether more follow. Sorted per page: 5,000 ids take about a
   * millisecond, and a page is a query with a budget (parley.limits.frames.queries).
   */
  Replies.MembersPage page(MembersCursor after, int limit) {
    List<MembersCursor> order =
        members.entrySet().stream()
            .map(e -> new MembersCursor(rank(e.getValue().role()), e.getKey()))
            .filter(c -> after == null || c.compareTo(after) > 0)
            .sorted()
            .toList();
    List<Replies.MemberRole> page =
        order.stream()
            .limit(limit)
            .map(c -> new Replies.MemberRole(c.user(), members.get(c.user()).role()))
            .toList();
    return new Replies.MembersPage(page, order.size() > limit);
  }

  /** A role's place in a members page: owner 0, admin 1, member 2. */
  static int rank(String role) {
    return switch (role) {
      case OWNER -> 0;
      case ADMIN -> 1;
      default -> 2;
    };
  }

  /** Who becomes owner when the owner leaves: the longest-standing admin, else member. */
  Optional<String> successorOf(String owner) {
    return members.entrySet().stream()
        .filter(e -> !e.getKey().equals(owner))
        .min(
            Comparator.comparing(
                    (Map.Entry<String, Member> e) -> e.getValue().role().equals(ADMIN) ? 0 : 1)
                .thenComparingLong(e -> e.getValue().joinedSeq()))
        .map(Map.Entry::getKey);
  }

  /** Applies one group event (written at {@code seq}). */
  void apply(Timeline.GroupEvent e, long seq) {
    if (e instanceof Timeline.GroupCreated c) {
      title = c.title();
      members.put(c.owner(), new Member(OWNER, seq));
      c.members().forEach(m -> members.putIfAbsent(m, new Member(MEMBER, seq)));
    } else if (e instanceof Timeline.MembersJoined j) {
      j.users().forEach(u -> members.putIfAbsent(u, new Member(MEMBER, seq)));
    } else if (e instanceof Timeline.MemberLeft l) {
      members.remove(l.user());
      String owner = l.owner();
      if (owner != null && members.containsKey(owner)) {
        members.put(owner, new Member(OWNER, members.get(owner).joinedSeq()));
      }
    } else if (e instanceof Timeline.MemberKicked k) {
      members.remove(k.user());
    } else if (e instanceof Timeline.RoleChanged r) {
      members.computeIfPresent(r.user(), (u, m) -> new Member(r.role(), m.joinedSeq()));
    } else if (e instanceof Timeline.TitleChanged t) {
      title = t.title();
    }
  }
}
