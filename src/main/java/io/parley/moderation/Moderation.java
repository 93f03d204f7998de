package io.parley.moderation;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Moderation of text bodies as {@code parley.filter} sets it (docs/operations.md, "Content
 * filter"): the {@link ContentFilter}, at once, then the {@link ModerationHook} if there is one for
 * the conversation's kind, within its timeout, failing open or closed. The edge runs both before a
 * send reaches its conversation, so a slow service never holds a conversation up. Thread-safe.
 */
public final class Moderation {
  public static final List<String> KINDS = List.of("direct", "group", "room");

  /** No filter and no hook: every body passes as it is. */
  public static final Moderation NONE =
      new Moderation(
          new ContentFilter(List.of(), List.of(), Map.of(), ""), null, Set.of(), null, true);

  private final ContentFilter filter;
  private final ModerationHook hook; // null: none
  private final Set<String> hookKinds;
  private final Duration timeout;
  private final boolean failOpen;

  public Moderation(
      ContentFilter filter,
      ModerationHook hook,
      Set<String> hookKinds,
      Duration timeout,
      boolean failOpen) {
    this.filter = filter;
    this.hook = hook;
    this.hookKinds = Set.copyOf(hookKinds);
    this.timeout = timeout;
    this.failOpen = failOpen;
  }

  /** From {@code parley.filter}; a missing word file or a bad setting fails here, at start-up. */
  public static Moderation from(Config config) {
    Config f = config.getConfig("parley.filter");
    List<String> words = new ArrayList<>(f.getStringList("words"));
    List<String> patterns = new ArrayList<>(f.getStringList("patterns"));
    String file = f.getString("file");
    if (!file.isBlank()) readFile(Path.of(file), words, patterns);
    Map<String, ContentFilter.Action> actions = new HashMap<>();
    for (String kind : KINDS)
      actions.put(kind, ContentFilter.Action.parse(kind, f.getString(kind)));
    ContentFilter filter = new ContentFilter(words, patterns, actions, f.getString("mask"));
    Config h = f.getConfig("hook");
    String url = h.getString("url");
    String onFailure = h.getString("on-failure");
    if (!onFailure.equals("open") && !onFailure.equals("closed")) {
      throw new IllegalArgumentException(
          "parley.filter.hook.on-failure must be open or closed, not " + onFailure);
    }
    Set<String> kinds = Set.copyOf(h.getStringList("kinds"));
    if (!KINDS.containsAll(kinds)) {
      throw new IllegalArgumentException("parley.filter.hook.kinds may name only " + KINDS);
    }
    Duration timeout = h.getDuration("timeout");
    ModerationHook hook =
        url.isBlank() ? null : new WebhookModeration(url, h.getString("secret"), timeout);
    return new Moderation(filter, hook, kinds, timeout, onFailure.equals("open"));
  }

  /**
   * One word per line, or {@code re:} and a pattern; blank lines and lines starting with # are
   * skipped.
   */
  static void readFile(Path file, List<String> words, List<String> patterns) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String entry = line.strip();
        if (entry.isEmpty() || entry.startsWith("#")) continue;
        if (entry.startsWith("re:")) patterns.add(entry.substring(3).strip());
        else words.add(entry);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("parley.filter.file " + file + " cannot be read", e);
    }
  }

  /** The filter's verdict, at once (no hook). */
  public Verdict filter(String kind, String text) {
    return filter.check(kind, text);
  }

  /** Whether bodies in conversations of {@code kind} go to the moderation service too. */
  public boolean hooked(String kind) {
    return hook != null && hookKinds.contains(kind);
  }

  /**
   * The service's verdict on {@code text} (what the filter passed): within the timeout, or, if it
   * fails or is late, a pass (fail open) or {@link Verdict#FAILED} (fail closed). Never fails.
   */
  public CompletionStage<Verdict> review(String conv, String kind, String from, String text) {
    CompletableFuture<Verdict> asked;
    try {
      asked = hook.review(conv, kind, from, text).toCompletableFuture();
    } catch (RuntimeException e) {
      asked = CompletableFuture.failedFuture(e);
    }
    return asked
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (verdict, failure) ->
                failure == null && verdict != null
                    ? verdict
                    : failOpen ? Verdict.pass(text) : Verdict.FAILED);
  }
}
