package io.parley.conversation;

import io.parley.conversation.Replies.PostReply;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A conversation's journal write in flight (there is at most one): who waits for it, kept outside
 * the persisted state so that a failed write can answer them all, and how many entries it holds.
 *
 * <p>Why the size: the journal answers a write once per entry. Pekko fails the entity on the first
 * answer and keeps the others, with the commands that arrive during the restart backoff, for the
 * restarted entity; there each late answer, when it comes out of Pekko's stash, ends the taking of
 * stashed commands until another command arrives. The restarted entity sends itself one command per
 * late answer, so that the commands stashed behind them are not left waiting.
 */
final class WriteInFlight {
  private final List<ActorRef<PostReply>> waiting = new ArrayList<>();
  private int entries;
  private int lateAnswers;

  /**
   * A write of {@code entries} starts: the held posts' senders and {@code writer} (may be null)
   * wait.
   */
  void started(List<PendingPosts.Held> held, ActorRef<PostReply> writer, int entries) {
    waiting.clear();
    held.forEach(h -> waiting.addAll(h.replyTo()));
    if (writer != null) waiting.add(writer);
    this.entries = entries;
  }

  /** It is stored: its posts are answered with their seqs. */
  void stored() {
    waiting.clear();
  }

  /** It failed: who waited for it, forgotten here; its late answers are still to come. */
  List<ActorRef<PostReply>> failed() {
    List<ActorRef<PostReply>> failed = List.copyOf(waiting);
    waiting.clear();
    lateAnswers = entries - 1;
    return failed;
  }

  /** The journal's answers to the failed write that the restarted entity will find, once. */
  int takeLateAnswers() {
    int late = lateAnswers;
    lateAnswers = 0;
    return late;
  }
}
