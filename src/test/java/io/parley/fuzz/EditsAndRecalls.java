package io.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of recalls and edits (docs/protocol.md "Recall", "Edit") checked against the stored
 * timeline of the checked conversation: each one stored was allowed, each one refused was refused
 * for a reason the timeline shows, and history shows each edited entry with its latest edit's text.
 * Pipelined, the fuzz cannot tell what the timeline held when a refusal was decided; so only what
 * holds whenever it was decided is checked.
 */
final class EditsAndRecalls {
  // parley.conversation.dedup-window's default: the entries a recall or an edit may reach back.
  private static final int WINDOW = 1000;

  private final List<JsonNode> timeline;
  private final String self;
  // Per edited seq, the latest edit stored of it.
  private final Map<Long, JsonNode> latestEdit = new HashMap<>();

  EditsAndRecalls(List<JsonNode> timeline, String self) {
    this.timeline = timeline;
    this.self = self;
    for (JsonNode entry : timeline)
      if (kind(entry).equals("edit")) latestEdit.put(target(entry.get("body")), entry);
  }

  /** What history must show as entry's body: the latest edit's text for an edited text entry. */
  JsonNode shownBody(JsonNode entry, JsonNode sentBody) {
    JsonNode edit = latestEdit.get(entry.get("seq").asLong());
    return edit == null ? sentBody : TextNode.valueOf(edit.get("body").get("text").asText());
  }

  /** Checks one stored entry: its edit marks, and, for a recall or an edit, that it was allowed. */
  void checkStored(JsonNode entry, Ledger ledger) {
    long seq = entry.get("seq").asLong();
    JsonNode edit = latestEdit.get(seq);
    boolean edited = entry.path("edited").asBoolean(false);
    if (edited != (edit != null)
        || (edit != null && entry.path("edit_seq").asLong() != edit.get("seq").asLong()))
      ledger.finding("history marks edits wrongly (latest edit " + edit + "): " + entry);
    String kind = kind(entry);
    if (!kind.equals("recall") && !kind.equals("edit")) return;
    long n = target(entry.get("body"));
    JsonNode target = n >= 1 && n < seq ? timeline.get((int) n - 1) : null;
    String why = null;
    if (target == null) why = "its entry is not before it";
    else if (!kind(target).equals("text")) why = "its entry is a " + kind(target);
    else if (!self.equals(target.get("from").asText())) why = "its entry is someone else's";
    else if (recalledBefore(n, seq)) why = "its entry was recalled before";
    // Not checked: "too old" (more than WINDOW entries back). The window is counted when the
    // conversation takes the edit, from the entries already stored; posts taken while a write is in
    // flight are written together after it, so a stored edit may sit a few seqs further than WINDOW
    // from its target (a run stored an edit of seq 527 at seq 1530). Refusals are held to it.
    if (why != null) ledger.finding("a " + kind + " stored though " + why + ": " + entry);
  }

  /**
   * Checks a recall or an edit refused with {@code code}: forbidden needs someone else's entry or
   * one too old by now; bad_request one that is not text; conflict a recall of it.
   */
  void checkRefused(StoredTimeline.Candidate c, String code, Ledger ledger) {
    long n = target(c.body());
    JsonNode target = n >= 1 && n <= timeline.size() ? timeline.get((int) n - 1) : null;
    boolean fits =
        switch (code) {
          case "forbidden" ->
              target != null
                  && (!self.equals(target.get("from").asText()) || n <= timeline.size() - WINDOW);
          case "bad_request" -> target != null && !kind(target).equals("text");
          case "conflict" -> recalledBefore(n, Long.MAX_VALUE);
          default -> true; // not_found, too_large, unavailable...: not decidable afterwards
        };
    ledger.count("refused " + c.kind() + ": " + code);
    if (!fits)
      ledger.finding(
          "a "
              + c.kind()
              + " refused "
              + code
              + " but the timeline shows no reason: "
              + c
              + ", entry "
              + target);
  }

  private boolean recalledBefore(long n, long before) {
    for (JsonNode e : timeline) {
      if (e.get("seq").asLong() >= before) break;
      if (kind(e).equals("recall") && target(e.get("body")) == n) return true;
    }
    return false;
  }

  private static String kind(JsonNode entry) {
    return entry.path("kind").asText("text");
  }

  private static long target(JsonNode body) {
    return body == null ? 0 : body.path("seq").asLong(0);
  }
}
