package io.parley.conversation;

import io.parley.conversation.Replies.PostReply;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Posts accepted but held back, in arrival order, to be stored in the conversation's next write
 * together with whatever comes next. Why: a conversation writes one event at a time, and after a
 * stall (a collection, a slow write) the posts queued behind would otherwise each wait for all
 * writes before their own; written together, the queue drains in one write (docs/benchmarks.md).
 *
 * <p>Held posts are not stored and have no seq yet: nobody has been told about them, so a read
 * answered meanwhile is simply earlier than they are. Every write the entity makes takes the held
 * posts first, so arrival order is the seq order.
 */
final class PendingPosts {
  /** A held post, and who waits for its seq (its sender, and any retry of the same cid). */
  record Held(Timeline.Appended entry, List<ActorRef<PostReply>> replyTo) {}

  private final List<Held> held = new ArrayList<>();

  boolean isEmpty() {
    return held.isEmpty();
  }

  int size() {
    return held.size();
  }

  void hold(Timeline.Appended entry, ActorRef<PostReply> replyTo) {
    List<ActorRef<PostReply>> replies = new ArrayList<>(1);
    replies.add(replyTo);
    held.add(new Held(entry, replies));
  }

  /** A retry of a held post waits for the same write and gets the same seq; false if none. */
  boolean join(String from, String cid, ActorRef<PostReply> replyTo) {
    for (Held h : held) {
      if (h.entry().from().equals(from) && h.entry().cid().equals(cid)) {
        h.replyTo().add(replyTo);
        return true;
      }
    }
    return false;
  }

  /** The held posts in arrival order, forgotten here: the caller writes them now. */
  List<Held> take() {
    List<Held> taken = List.copyOf(held);
    held.clear();
    return taken;
  }
}
