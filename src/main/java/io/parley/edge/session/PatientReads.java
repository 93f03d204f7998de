package io.parley.edge.session;

import io.parley.timeline.Entry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContext;

/**
 * A session's journal reads: its hello catch-up and the gaps its {@link OrderedDelivery} fills. A
 * read that fails (a driver timeout while a node starts or pauses, Cassandra briefly away) is asked
 * again after {@link Patience}'s wait rather than given up at once: a gap whose read was given up
 * was skipped, and the live entry behind it went out after the gap. One session's reads; the
 * attempts run off its thread, one at a time per read.
 */
final class PatientReads {
  /** Entries from..to of conv, ascending, from the journal (storage.TimelineReader). */
  interface Reader {
    CompletionStage<List<Entry>> read(String conv, long from, long to);
  }

  private final Reader reader;
  private final Scheduler scheduler;
  private final ExecutionContext executor;
  private volatile boolean ended;

  PatientReads(Reader reader, Scheduler scheduler, ExecutionContext executor) {
    this.reader = reader;
    this.scheduler = scheduler;
    this.executor = executor;
  }

  /**
   * The entries of the first attempt that succeeds; the last failure once {@code patience} allows
   * no further attempt, or once the session has ended.
   */
  CompletionStage<List<Entry>> read(String conv, long from, long to, Patience patience) {
    CompletableFuture<List<Entry>> answer = new CompletableFuture<>();
    attempt(conv, from, to, patience, answer);
    return answer;
  }

  /** The session ended: no read is asked again for it. */
  void end() {
    ended = true;
  }

  private void attempt(
      String conv, long from, long to, Patience patience, CompletableFuture<List<Entry>> answer) {
    reader
        .read(conv, from, to)
        .whenComplete(
            (entries, failure) -> {
              if (failure == null) {
                answer.complete(entries);
                return;
              }
              Duration wait = ended ? null : patience.retryAfter(System.nanoTime());
              if (wait == null) answer.completeExceptionally(failure);
              else
                scheduler.scheduleOnce(
                    wait, () -> attempt(conv, from, to, patience, answer), executor);
            });
  }
}
