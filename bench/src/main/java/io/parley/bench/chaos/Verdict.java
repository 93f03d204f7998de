package io.parley.bench.chaos;

import java.util.List;
import java.util.Map;

/**
 * The checker's answer: clean when no invariant was broken; {@code violations} holds the first few
 * examples of each broken kind ("lost: ..."); {@code figures} every count, the violation kinds
 * (zero when clean) and the run's other numbers (acked, refused, retries, ...), in a stable order.
 */
public record Verdict(boolean clean, List<String> violations, Map<String, Long> figures) {
  public Verdict {
    violations = List.copyOf(violations);
  }

  public long figure(String name) {
    return figures.getOrDefault(name, 0L);
  }

  /** A few lines for a log or report: the figures, then the examples. */
  public String summary() {
    StringBuilder out = new StringBuilder(clean ? "clean" : "VIOLATIONS");
    figures.forEach((k, v) -> out.append(' ').append(k).append('=').append(v));
    violations.forEach(v -> out.append("\n  ").append(v));
    return out.toString();
  }
}
