package io.parley.edge.session;

import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.push.Push;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The friends' presence list a session writes after welcome, made from asks that race the live
 * presence pushes: a push that reaches the session while the list is being made may be newer than
 * what the list says, so it wins. Used by the session's actor alone, until the list is written.
 */
final class PresenceListing {
  /** When the list could not be made (the user's entity did not answer in time). */
  static final ServerFrame FAILED =
      ServerFrame.Error.of(
          null,
          ErrorCode.UNAVAILABLE,
          "could not list your friends' presence; ask for it with a presence query");

  private final Map<String, Push.PresenceChanged> pushed = new HashMap<>();

  void pushed(Push.PresenceChanged p) {
    pushed.put(p.user(), p);
  }

  /**
   * The list, with each friend's state as the latest push says where one came meanwhile; any other
   * frame (an error) as it is.
   */
  ServerFrame merged(ServerFrame frame) {
    if (pushed.isEmpty() || !(frame instanceof ServerFrame.PresenceList list)) return frame;
    List<ServerFrame.FriendState> friends = new ArrayList<>(list.friends().size());
    for (ServerFrame.FriendState f : list.friends()) {
      Push.PresenceChanged p = pushed.get(f.user());
      friends.add(p == null ? f : new ServerFrame.FriendState(f.user(), p.state(), p.lastSeen()));
    }
    return new ServerFrame.PresenceList(list.rid(), friends, list.more());
  }
}
