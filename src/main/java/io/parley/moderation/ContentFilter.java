package io.parley.moderation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ahocorasick.trie.Emit;
import org.ahocorasick.trie.Trie;

/**
 * The word and pattern filter on text bodies: words (and phrases) matched whole and
 * case-insensitively, all in one pass however many there are (Aho-Corasick), and regular
 * expressions matched case-insensitively anywhere, each a pass of its own. What a match does
 * depends on the conversation's kind: nothing, reject the body, or mask each match. Immutable;
 * thread-safe.
 */
public final class ContentFilter {
  /** What a match does in a conversation kind. */
  public enum Action {
    OFF,
    REJECT,
    MASK;

    static Action parse(String kind, String value) {
      try {
        return valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "parley.filter." + kind + " must be off, reject or mask, not " + value, e);
      }
    }
  }

  private final Trie words; // null: no words
  private final List<Pattern> patterns;
  private final Map<String, Action> actions;
  private final String mask;

  /** {@code actions}: per conversation kind (direct, group, room); a kind not named is off. */
  public ContentFilter(
      Collection<String> words,
      Collection<String> patterns,
      Map<String, Action> actions,
      String mask) {
    List<String> lowered =
        words.stream()
            .map(String::strip)
            .filter(w -> !w.isEmpty())
            .map(ContentFilter::lower)
            .toList();
    this.words =
        lowered.isEmpty()
            ? null
            : Trie.builder().ignoreCase().onlyWholeWords().addKeywords(lowered).build();
    this.patterns =
        patterns.stream()
            .map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE))
            .toList();
    this.actions = Map.copyOf(actions);
    this.mask = mask;
  }

  /** Whether bodies in conversations of {@code kind} are looked at at all. */
  public boolean active(String kind) {
    return action(kind) != Action.OFF && (words != null || !patterns.isEmpty());
  }

  /** The verdict on {@code text} in a conversation of {@code kind}. */
  public Verdict check(String kind, String text) {
    Action action = action(kind);
    if (action == Action.OFF) return Verdict.pass(text);
    if (action == Action.REJECT) return matches(text) ? Verdict.REJECT : Verdict.pass(text);
    return Verdict.pass(masked(text));
  }

  private Action action(String kind) {
    return actions.getOrDefault(kind, Action.OFF);
  }

  private boolean matches(String text) {
    if (words != null && words.firstMatch(text) != null) return true;
    for (Pattern p : patterns) if (p.matcher(text).find()) return true;
    return false;
  }

  /** Each match (overlapping ones merged) replaced by the mask. */
  private String masked(String text) {
    List<int[]> spans = new ArrayList<>();
    if (words != null) {
      for (Emit e : words.parseText(text)) spans.add(new int[] {e.getStart(), e.getEnd() + 1});
    }
    for (Pattern p : patterns) {
      Matcher m = p.matcher(text);
      while (m.find()) if (m.end() > m.start()) spans.add(new int[] {m.start(), m.end()});
    }
    if (spans.isEmpty()) return text;
    spans.sort((a, b) -> Integer.compare(a[0], b[0]));
    StringBuilder out = new StringBuilder(text.length());
    int at = 0;
    int i = 0;
    while (i < spans.size()) {
      int start = spans.get(i)[0];
      int end = spans.get(i)[1];
      for (i++; i < spans.size() && spans.get(i)[0] < end; i++) {
        end = Math.max(end, spans.get(i)[1]);
      }
      if (start < at) start = at;
      out.append(text, at, start).append(mask);
      at = end;
    }
    return out.append(text, at, text.length()).toString();
  }

  private static String lower(String word) {
    return word.toLowerCase(Locale.ROOT);
  }
}
