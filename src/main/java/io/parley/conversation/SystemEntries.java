package io.parley.conversation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.conversation.ConversationEntity.EntryAppended;
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
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String ILL_FORMED_TITLE = "title must be well-formed text";
  private final int maxGroupSize;

  SystemEntries(int maxGroupSize) {
    this.maxGroupSize = maxGroupSize;
  }

  /** A change to store (entry null: nothing to do), or why not. */
  record Change(EntryAppended entry, List<String> added, List<String> removed, Rejected rejected) {
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
    ObjectNode body =
        JSON.objectNode()
            .put("event", "created")
            .put("owner", cmd.owner())
            .put("title", cmd.title());
    members.forEach(body.putArray("members")::add);
    List<String> everyone = new ArrayList<>();
    everyone.add(cmd.owner());
    everyone.addAll(members);
    return new Change(entry(cmd.owner(), body), everyone, List.of(), null);
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
        ObjectNode body = JSON.objectNode().put("event", "joined").put("by", by);
        added.forEach(body.putArray("users")::add);
        return new Change(entry(by, body), added, List.of(), null);
      }
      case LEAVE -> {
        ObjectNode body = JSON.objectNode().put("event", "left").put("user", by);
        if (m.isOwner(by)) m.successorOf(by).ifPresent(next -> body.put("owner", next));
        return new Change(entry(by, body), List.of(), List.of(by), null);
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
        ObjectNode body =
            JSON.objectNode().put("event", "kicked").put("user", target).put("by", by);
        return new Change(entry(by, body), List.of(), List.of(target), null);
      }
      case TITLE -> {
        if (!m.isManager(by))
          return Change.refuse(ErrorCode.FORBIDDEN, "only the owner and admins set the title");
        if (!Text.wellFormed(cmd.title()))
          return Change.refuse(ErrorCode.BAD_REQUEST, ILL_FORMED_TITLE);
        if (cmd.title().equals(m.title())) return Change.NONE;
        ObjectNode body =
            JSON.objectNode().put("event", "title").put("title", cmd.title()).put("by", by);
        return new Change(entry(by, body), List.of(), List.of(), null);
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
        ObjectNode body =
            JSON.objectNode()
                .put("event", "role")
                .put("user", target)
                .put("role", cmd.role())
                .put("by", by);
        return new Change(entry(by, body), List.of(), List.of(), null);
      }
      default -> throw new IllegalArgumentException("unknown group op " + cmd.op());
    }
  }

  private static EntryAppended entry(String by, ObjectNode body) {
    // System entries get a fresh cid: they are not client sends, so there is nothing to dedup.
    return new EntryAppended(
        by, "sys-" + UUID.randomUUID(), TimelineState.SYSTEM, body, System.currentTimeMillis());
  }
}
