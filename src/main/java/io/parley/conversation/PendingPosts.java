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
 *
 * <p>A held post keeps its deadline (the latest of its sender's and its retries'): one past it is
 * dropped, not written ({@link #dropLate}), since its sender may have been told it timed out.
 */
final class PendingPosts {
  /**
   * A held post, who waits for its seq (its sender, and any retry of the same cid), and the epoch
   * millis after which it must not be stored (0: none).
   */
  record Held(Timeline.Appended entry, List<ActorRef<PostReply>> replyTo, long deadline) {
    boolean lateAt(long now) {
      return deadline > 0 && now > deadline;
    }
  }

  private final List<Held> held = new ArrayList<>();

  boolean isEmpty() {
    return held.isEmpty();
  }

  int size() {
    return held.size();
  }

  void hold(Timeline.Appended entry, ActorRef<PostReply> replyTo, long deadline) {
    List<ActorRef<PostReply>> replies = new ArrayList<>(1);
    replies.add(replyTo);
    held.add(new Held(entry, replies, deadline));
  }

  /**
   * A retry of a held post waits for the same write and gets the same answer; false if none. The
   * post may then be stored until the later of the two deadlines: whoever waits gets its seq.
   */
  boolean join(String from, String cid, ActorRef<PostReply> replyTo, long deadline) {
    for (int i = 0; i < held.size(); i++) {
      Held h = held.get(i);
      if (h.entry().from().equals(from) && h.entry().cid().equals(cid)) {
        h.replyTo().add(replyTo);
        long later = h.deadline() == 0 || deadline == 0 ? 0 : Math.max(h.deadline(), deadline);
        held.set(i, new Held(h.entry(), h.replyTo(), later));
        return true;
      }
    }
    return false;
  }

  /** The held posts past their deadline at {@code now}, in arrival order, forgotten here. */
  List<Held> dropLate(long now) {
    List<Held> late = new ArrayList<>(0);
    held.removeIf(
        h -> {
          boolean isLate = h.lateAt(now);
          if (isLate) late.add(h);
          return isLate;
        });
    return late;
  }

  /** The held posts in arrival order, forgotten here: the caller writes them now. */
  List<Held> take() {
    List<Held> taken = List.copyOf(held);
    held.clear();
    return taken;
  }
}
