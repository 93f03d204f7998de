package io.parley.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** The checks of a {@link ClientFrame.Send}: its ids, then its body as its kind shapes it. */
final class SendChecks {
  private SendChecks() {}

  static String problem(ClientFrame.Send send) {
    String conv = send.conv();
    String cid = send.cid();
    String kind = send.kind();
    JsonNode body = send.body();
    if (conv == null || conv.isEmpty()) return "send needs a conv";
    if (cid == null || cid.isEmpty() || cid.length() > ClientFrame.MAX_ID_CHARS)
      return "cid must be 1-64 chars";
    if (!Text.wellFormed(conv) || !Text.wellFormed(cid)) return ClientFrame.ILL_FORMED;
    if (kind == null || kind.equals("text")) {
      if (body == null || !body.isTextual()) return "body must be a string";
      return Text.wellFormed(body.textValue()) ? null : ClientFrame.ILL_FORMED;
    }
    if (kind.equals("recall")) {
      // Only the seq is stored (the conversation rebuilds the body), so nothing else counts.
      return validSeq(body) ? null : "a recall's body must be {\"seq\": n} with n >= 1";
    }
    if (kind.equals("edit")) {
      JsonNode text = body == null ? null : body.get("text");
      if (!validSeq(body) || text == null || !text.isTextual() || text.textValue().isEmpty())
        return "an edit's body must be {\"seq\": n, \"text\": \"new text\"} with n >= 1";
      return Text.wellFormed(text.textValue()) ? null : ClientFrame.ILL_FORMED;
    }
    return "kind must be \"text\", \"recall\" or \"edit\"";
  }

  /** A body whose {@code seq} is an integer >= 1 that fits a long. */
  private static boolean validSeq(JsonNode body) {
    JsonNode seq = body == null ? null : body.get("seq");
    return seq != null && seq.isIntegralNumber() && seq.canConvertToLong() && seq.asLong() >= 1;
  }
}
