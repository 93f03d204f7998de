package io.parley.user;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * When the user entity pushes ({@code parley.push}, "when to push"): the registrations it keeps,
 * the coalescing window, whether system entries count, the preview's length and the lookups a push
 * waits for.
 */
record PushSettings(
    int maxDevices,
    Duration coalesce,
    boolean systemEntries,
    int previewMaxChars,
    Duration lookupTimeout,
    int summaryParallelism) {

  static PushSettings from(Config config) {
    Config p = config.getConfig("parley.push");
    return new PushSettings(
        p.getInt("max-devices-per-user"),
        p.getDuration("coalesce"),
        p.getBoolean("system-entries"),
        p.getInt("preview-max-chars"),
        p.getDuration("lookup-timeout"),
        p.getInt("summary-parallelism"));
  }

  /**
   * Whether an entry of this kind is pushed at all (text and recall; system entries if on). Never
   * an edit: fixing a typo must not wake every offline phone again (docs/protocol.md, "Edit").
   */
  boolean pushes(String kind) {
    return "text".equals(kind) || "recall".equals(kind) || (systemEntries && "system".equals(kind));
  }
}
