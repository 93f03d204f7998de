package io.parley.conversation;

import io.parley.timeline.Entry;
import io.parley.tracing.TraceSpan;
import io.parley.tracing.Tracing;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The {@code parley.persist} spans of the traced posts a conversation holds or writes, from the
 * moment it takes one for a write until it is stored; then the entry's pushes carry the span on.
 * Part of one conversation entity's actor; exists only while tracing is on.
 *
 * <p>Keyed by (sender, cid): at most one post of a pair is ever in flight (a retry joins it or gets
 * its seq from the dedup window). A write that fails ends the spans of every post not yet stored,
 * with an error: their senders retry, and a retry is a new send.
 */
final class PostTraces {
  private record Key(String from, String cid) {}

  private final Tracing tracing;
  private final Map<Key, TraceSpan> writing = new HashMap<>();

  private PostTraces(Tracing tracing) {
    this.tracing = tracing;
  }

  /** Null while tracing is off, so that the entity's only cost is a null check. */
  static PostTraces of(ActorSystem<?> system) {
    Tracing tracing = Tracing.get(system);
    return tracing.on() ? new PostTraces(tracing) : null;
  }

  /** The post is taken for a write (now or the next one). */
  void started(ConversationEntity.Post post, String conv) {
    TraceSpan span = tracing.persist(post.traceparent(), conv, post.cid());
    if (span != null) writing.put(new Key(post.from(), post.cid()), span);
  }

  /**
   * The entry is stored: ends its span with its seq, and returns the traceparent its pushes carry
   * (null if it was not traced).
   */
  String stored(Entry entry) {
    if (writing.isEmpty() || entry.cid() == null) return null;
    TraceSpan span = writing.remove(new Key(entry.from(), entry.cid()));
    if (span == null) return null;
    span.seq(entry.seq()).end();
    return span.traceparent();
  }

  /** A held post was refused (past its deadline): it is not stored. */
  void refused(String from, String cid) {
    TraceSpan span = writing.remove(new Key(from, cid));
    if (span != null) span.failed("unavailable").end();
  }

  /** A write failed ({@code code}: what its posts were answered). */
  void failed(String code) {
    writing.values().forEach(span -> span.failed(code).end());
    writing.clear();
  }
}
