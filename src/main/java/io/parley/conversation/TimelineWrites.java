package io.parley.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.conversation.ConversationEntity.Event;
import io.parley.conversation.Replies.PostReply;
import io.parley.conversation.Replies.Posted;
import io.parley.metrics.Metrics;
import io.parley.protocol.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.function.Procedure;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * How a conversation writes its timeline: posts held behind a write in flight go into the next one
 * together ({@link PendingPosts}), each its own event and seq; once stored, entries are pushed to
 * the members and answered, in seq order. Part of one conversation entity's actor.
 */
final class TimelineWrites {
  static final String UNSAFE_WARNING =
      "parley.unsafe.ack-before-persist is on: sends are answered before they are stored and are"
          + " LOST if a write fails; for proving the chaos suite can fail, never in production";

  private final EffectFactories<Event, TimelineState> effects;
  private final PendingPosts pending;
  private final WriteInFlight writing;
  private final Fanout fanout;
  private final ConversationReads reads;
  // Spans of the posts being written; null while tracing is off.
  private final PostTraces traces;

  TimelineWrites(
      EffectFactories<Event, TimelineState> effects,
      PendingPosts pending,
      WriteInFlight writing,
      Fanout fanout,
      ConversationReads reads,
      PostTraces traces) {
    this.effects = effects;
    this.pending = pending;
    this.writing = writing;
    this.fanout = fanout;
    this.reads = reads;
    this.traces = traces;
  }

  ReplyEffect<Event, TimelineState> flush(TimelineState state) {
    return write(state, null, null).thenNoReply();
  }

  /** Writes the held posts (their senders wait for them), then stops. */
  ReplyEffect<Event, TimelineState> flushThenStop(TimelineState state) {
    return write(state, null, null).thenStop().thenNoReply();
  }

  /** A post past its deadline: refused, nothing stored (its sender may have stopped waiting). */
  ReplyEffect<Event, TimelineState> late(ConversationEntity.Post post) {
    Metrics.POSTS_LATE.increment();
    return effects.reply(post.replyTo(), Replies.LATE);
  }

  /** Held posts past their deadline are refused as {@link #late} ones, before a write takes any. */
  private void refuseLate() {
    for (PendingPosts.Held h : pending.dropLate(System.currentTimeMillis())) {
      Metrics.POSTS_LATE.increment();
      h.replyTo().forEach(r -> r.tell(Replies.LATE));
      if (traces != null) traces.refused(h.entry().from(), h.entry().cid());
    }
  }

  /**
   * Persists the held posts not past their deadline, then {@code own} (may be null), as one timed
   * write (none if there is nothing to write); once stored, the held posts are answered and pushed,
   * in seq order, before anything {@code own} does. Until then the held posts' senders and {@code
   * ownReply} (may be null) wait for it: if it fails, {@link Signals#persistFailed} answers them.
   */
  EffectBuilder<Event, TimelineState> write(
      TimelineState state, Event own, ActorRef<PostReply> ownReply) {
    long started = System.nanoTime();
    Procedure<TimelineState> stored =
        s -> {
          writing.stored();
          Metrics.JOURNAL_WRITE.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        };
    refuseLate();
    List<PendingPosts.Held> held = pending.take();
    if (held.isEmpty() && own == null) return effects.none();
    if (held.isEmpty()) {
      writing.started(held, ownReply, 1);
      return effects.persist(own).thenRun(stored);
    }
    List<Event> events = new ArrayList<>(held.size() + 1);
    held.forEach(h -> events.add(h.entry()));
    if (own != null) events.add(own);
    writing.started(held, ownReply, events.size());
    long firstSeq = state.lastSeq() + 1;
    List<String> recipients = reads.members(state);
    return effects
        .persist(events)
        .thenRun(stored)
        .thenRun(
            s -> {
              for (int i = 0; i < held.size(); i++) {
                Timeline.Appended entry = held.get(i).entry();
                Posted posted = new Posted(firstSeq + i, entry.ts());
                fanout.deliver(reads.entryAt(posted.seq(), entry), recipients);
                held.get(i).replyTo().forEach(r -> r.tell(posted));
              }
            });
  }

  ReplyEffect<Event, TimelineState> append(
      TimelineState state, Timeline.Appended event, ActorRef<PostReply> replyTo) {
    return write(state, event, replyTo)
        .thenRun(s -> deliver(s, event, List.of()))
        .thenReply(replyTo, s -> new Posted(s.lastSeq(), event.ts()));
  }

  /**
   * parley.unsafe.ack-before-persist (for proving the chaos suite can fail; never in production):
   * answers the post {@code sent} with the seq it is about to get, then writes it without anyone
   * waiting, so a write that fails, or a node that dies, loses a post its sender was told is
   * stored. Posts are never held meanwhile, so the next seq is the last one plus one.
   */
  ReplyEffect<Event, TimelineState> ackBeforeAppend(
      TimelineState state, Timeline.Appended event, ConversationEntity.Post post) {
    post.replyTo().tell(new Posted(state.lastSeq() + 1, event.ts()));
    return write(state, event, null).thenRun(s -> deliver(s, event, List.of())).thenNoReply();
  }

  /** Pushes the last entry to the members (and to those it removed, so they learn it). */
  void deliver(TimelineState state, Timeline.Appended e, List<String> alsoTell) {
    List<String> recipients = reads.members(state);
    if (!alsoTell.isEmpty()) { // only group changes that remove someone: no copy for a post
      recipients = new ArrayList<>(recipients);
      for (String u : alsoTell) if (!recipients.contains(u)) recipients.add(u);
    }
    fanout.deliver(reads.entryAt(state.lastSeq(), e), recipients);
  }

  /**
   * Why this post cannot be stored as it is, or null. The journal's serializer cannot write a lone
   * surrogate; such a post, held with others, would fail their write too. The edge refuses these
   * already; this keeps any other sender from poisoning a write.
   */
  static String unstorable(ConversationEntity.Post cmd) {
    if (cmd.cid() == null || !Text.wellFormed(cmd.cid())) return "cid must be well-formed text";
    if (TimelineState.RECALL.equals(cmd.kind())) {
      return cmd.body() != null && cmd.body().path("seq").canConvertToLong()
          ? null
          : "a recall's body is {\"seq\": n}";
    }
    if (TimelineState.EDIT.equals(cmd.kind())) {
      JsonNode body = cmd.body();
      JsonNode text = body == null ? null : body.get("text");
      return text != null
              && body.path("seq").canConvertToLong()
              && text.isTextual()
              && !text.textValue().isEmpty()
              && Text.wellFormed(text.textValue())
          ? null
          : "an edit's body is {\"seq\": n, \"text\": well-formed text, not empty}";
    }
    JsonNode body = cmd.body();
    return body != null && body.isTextual() && Text.wellFormed(body.textValue())
        ? null
        : "body must be well-formed text";
  }
}
