package io.parley.conversation;

import io.parley.conversation.Replies.Rejected;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Text;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The rules of group membership, turned into {@code system} entries: who may invite, kick, retitle
 * or change roles, and what each change records. Owner and admins manage; only the owner changes
 * roles; nobody kicks the owner; admins do not kick admins.
 */
final class SystemEntries {
  private static final String ILL_FORMED_TITLE = "title must be well-formed text";
  private final int maxGroupSize;

  SystemEntries(int maxGroupSize) {
    this.maxGroupSize = maxGroupSize;
  }

  /** A change to store (entry null: nothing to do), or why not. */
  record Change(
      Timeline.GroupEvent entry, List<String> added, List<String> removed, Rejected rejected) {
    static Change refuse(ErrorCode code, String message) {
      return new Change(null, List.of(), List.of(), new Rejected(code, message));
    }

    static final Change NONE = new Change(null, List.of(), List.of(), null);
  }

  /** The "created" entry; everyone in it (owner first) counts as added. */
  Change created(ConversationEntity.Create cmd) {
    // Checked at the edge too; a title the journal cannot serialize would fail the shared write.
    if (!Text.wellFormed(cmd.title()))
      return Change.refuse(ErrorCode.BAD_REQUEST, ILL_FORMED_TITLE);
    Set<String> members = new LinkedHashSet<>(cmd.members());
    members.remove(cmd.owner());
    if (members.size() + 1 > maxGroupSize) {
      return Change.refuse(
          ErrorCode.BAD_REQUEST, "a group has at most " + maxGroupSize + " members");
    }
    var created =
        new Timeline.GroupCreated(cmd.owner(), cid(), cmd.title(), List.copyOf(members), now());
    List<String> everyone = new ArrayList<>();
    everyone.add(cmd.owner());
    everyone.addAll(members);
    return new Change(created, everyone, List.of(), null);
  }

  Change change(Membership m, ConversationEntity.Manage cmd) {
    String by = cmd.by();
    switch (cmd.op()) {
      case INVITE -> {
        if (!m.isManager(by))
          return Change.refuse(ErrorCode.FORBIDDEN, "only the owner and admins invite");
        List<String> added = cmd.users().stream().distinct().filter(u -> !m.isMember(u)).toList();
        if (added.isEmpty()) return Change.NONE;
        if (m.size() + added.size() > maxGroupSize) {
          return Change.refuse(
              ErrorCode.BAD_REQUEST, "a group has at most " + maxGroupSize + " members");
        }
        var joined = new Timeline.MembersJoined(by, cid(), List.copyOf(added), now());
        return new Change(joined, added, List.of(), null);
      }
      case LEAVE -> {
        String owner = m.isOwner(by) ? m.successorOf(by).orElse(null) : null;
        return new Change(
            new Timeline.MemberLeft(by, cid(), owner, now()), List.of(), List.of(by), null);
      }
      case KICK -> {
        String target = cmd.users().get(0);
        if (!m.isManager(by))
          return Change.refuse(ErrorCode.FORBIDDEN, "only the owner and admins kick");
        if (!m.isMember(target))
          return Change.refuse(ErrorCode.NOT_FOUND, "not a member: " + target);
        if (target.equals(by) || m.isOwner(target) || (m.isManager(target) && !m.isOwner(by))) {
          return Change.refuse(ErrorCode.FORBIDDEN, "you may not kick " + target);
        }
        var kicked = new Timeline.MemberKicked(by, cid(), target, now());
        return new Change(kicked, List.of(), List.of(target), null);
      }
      case TITLE -> {
        if (!m.isManager(by))
          return Change.refuse(ErrorCode.FORBIDDEN, "only the owner and admins set the title");
        if (!Text.wellFormed(cmd.title()))
          return Change.refuse(ErrorCode.BAD_REQUEST, ILL_FORMED_TITLE);
        if (cmd.title().equals(m.title())) return Change.NONE;
        var titled = new Timeline.TitleChanged(by, cid(), cmd.title(), now());
        return new Change(titled, List.of(), List.of(), null);
      }
      case ROLE -> {
        String target = cmd.users().get(0);
        if (!m.isOwner(by))
          return Change.refuse(ErrorCode.FORBIDDEN, "only the owner changes roles");
        if (!m.isMember(target) || m.isOwner(target)) {
          return Change.refuse(
              ErrorCode.NOT_FOUND, "not a member whose role can change: " + target);
        }
        if (m.member(target).get().role().equals(cmd.role())) return Change.NONE;
        var role = new Timeline.RoleChanged(by, cid(), target, cmd.role(), now());
        return new Change(role, List.of(), List.of(), null);
      }
      default -> throw new IllegalArgumentException("unknown group op " + cmd.op());
    }
  }

  // System entries get a fresh cid: they are not client sends, so there is nothing to dedup.
  private static String cid() {
    return "sys-" + UUID.randomUUID();
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
