package io.parley.protocol;

/**
 * The longer checks of {@link ClientFrame}'s records, kept apart so the record list reads short.
 */
final class FrameChecks {
  private FrameChecks() {}

  static String hello(ClientFrame.Hello hello) {
    if (!hello.hasToken()) return ClientFrame.Hello.NO_TOKEN;
    if (!Text.wellFormed(hello.token())) return ClientFrame.ILL_FORMED;
    if (!ClientFrame.validDevice(hello.device())) return ClientFrame.DEVICE_RULE;
    var cursors = hello.cursors();
    if (cursors != null
        && (cursors.values().stream().anyMatch(s -> s == null || s < 0)
            || !Text.wellFormed(cursors.keySet())))
      return "cursors must map conversation ids to seqs >= 0";
    return null;
  }

  static String history(ClientFrame.History h, ClientFrame.Limits limits) {
    if (h.conv() == null || !Text.wellFormed(h.conv())) return "history needs a conv";
    Long before = h.before();
    Long after = h.after();
    if (before != null && after != null) return "give before or after, not both";
    if ((before != null && before < 0) || (after != null && after < 0))
      return "before and after must be >= 0";
    Integer limit = h.limit();
    if (limit != null && (limit < 1 || limit > limits.historyMaxLimit()))
      return "limit must be 1.." + limits.historyMaxLimit();
    return null;
  }

  static String create(ClientFrame.Create create) {
    if (!"group".equals(create.kind())) return "create needs kind \"group\"";
    String titleProblem = title(create.title());
    if (titleProblem != null) return titleProblem;
    var members = create.members();
    if (members == null || members.stream().anyMatch(m -> !ClientFrame.UserIds.valid(m)))
      return "members must be a list of user ids";
    return null;
  }

  /** A group's title, as {@code create} and {@code title} take it. */
  static String title(String title) {
    if (title == null || title.isBlank() || title.length() > ClientFrame.MAX_TITLE)
      return "title must be 1-" + ClientFrame.MAX_TITLE + " chars";
    return Text.wellFormed(title) ? null : ClientFrame.ILL_FORMED;
  }
}
