package io.parley.moderation;

/**
 * What moderation made of a text body: {@code text} is the body to store (masked or replaced, or as
 * it was); null when the body is not to be stored.
 */
public record Verdict(Outcome outcome, String text) {
  public enum Outcome {
    /** Store {@code text} (the body, or the body with its matches masked or replaced). */
    PASS,
    /** Refused for its content: the sender gets {@code content_rejected}; nothing is stored. */
    REJECTED,
    /** The moderation service failed and the setting says fail closed: nothing is stored. */
    UNAVAILABLE
  }

  public static Verdict pass(String text) {
    return new Verdict(Outcome.PASS, text);
  }

  public static final Verdict REJECT = new Verdict(Outcome.REJECTED, null);
  public static final Verdict FAILED = new Verdict(Outcome.UNAVAILABLE, null);

  public boolean passes() {
    return outcome == Outcome.PASS;
  }
}
