package io.parley.edge.requests;

import io.parley.conversation.ConversationEntity;
import io.parley.conversation.Replies;
import io.parley.storage.TimelineReader;
import io.parley.timeline.Entry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Timeline entries as readers show them (history, catch-up, gap fills): read from the journal by
 * seq range, with each edited text entry carrying its latest edit's text and seq. The conversation
 * says which entries of the range were edited, and by which entry last ({@code GetEdits}, from its
 * state: no journal read); those edit entries are taken from the range when they are in it (the
 * usual case for recent edits) and read one by one when they are later. The edit entries themselves
 * stay in the range as they are.
 */
public final class EditedEntries {
  private static final Replies.Edits NONE = new Replies.Edits(new long[0], new long[0]);

  private final ClusterSharding sharding;
  private final TimelineReader journal;
  private final Duration askTimeout;

  public EditedEntries(ClusterSharding sharding, TimelineReader journal, Duration askTimeout) {
    this.sharding = sharding;
    this.journal = journal;
    this.askTimeout = askTimeout;
  }

  /** Entries {@code from <= seq <= to} of conv, ascending, edited ones with their latest text. */
  public CompletionStage<List<Entry>> read(String conv, long from, long to) {
    if (to < from) return CompletableFuture.completedFuture(List.of());
    return sharding
        .entityRefFor(ConversationEntity.ENTITY_KEY, conv)
        .<Replies.Edits>ask(
            replyTo -> new ConversationEntity.GetEdits(from, to, replyTo), askTimeout)
        // A conversation that cannot say (a core node of a build before edits, during a rolling
        // upgrade; or one too slow to answer): the entries as stored, edits as entries of their
        // own, which clients fold in as they do live ones. Better than no entries at all.
        .exceptionally(failure -> NONE)
        .thenCompose(
            edits ->
                journal
                    .read(conv, from, to)
                    .thenCompose(
                        entries -> edits.none() ? done(entries) : fold(conv, entries, edits)));
  }

  private CompletionStage<List<Entry>> fold(String conv, List<Entry> entries, Replies.Edits edits) {
    Map<Long, Entry> bySeq = new HashMap<>();
    entries.forEach(e -> bySeq.put(e.seq(), e));
    List<CompletableFuture<List<Entry>>> later = new ArrayList<>();
    for (long editSeq : edits.latest()) {
      if (!bySeq.containsKey(editSeq)) {
        later.add(journal.read(conv, editSeq, editSeq).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(later.toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              Map<Long, Entry> editsBySeq = new HashMap<>(bySeq);
              later.forEach(f -> f.join().forEach(e -> editsBySeq.put(e.seq(), e)));
              Map<Long, Entry> latestOf = new HashMap<>();
              for (int i = 0; i < edits.targets().length; i++) {
                Entry edit = editsBySeq.get(edits.latest()[i]);
                if (edit != null) latestOf.put(edits.targets()[i], edit);
              }
              List<Entry> shown = new ArrayList<>(entries.size());
              for (Entry e : entries) {
                Entry edit = latestOf.get(e.seq());
                shown.add(
                    edit == null ? e : e.editedTo(edit.body().path("text").asText(), edit.seq()));
              }
              return shown;
            });
  }

  private static CompletionStage<List<Entry>> done(List<Entry> entries) {
    return CompletableFuture.completedFuture(entries);
  }
}
