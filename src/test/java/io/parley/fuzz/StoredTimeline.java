package io.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.Api;
import io.parley.testing.WsClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The check after a live fuzz: what the checked conversation stored, against what was answered. */
final class StoredTimeline {
  private StoredTimeline() {}

  /** A valid send into the checked conversation: what it must be stored as if it is. */
  record Candidate(String cid, String kind, JsonNode body) {}

  /**
   * The stored timeline (paged with {@code history} on a fresh connection) holds exactly the sends
   * answered {@code sent}, at their seqs, as they were sent, without gaps; what was pushed agrees;
   * REST's {@code last_seq} agrees. Every disagreement is a finding in {@code ledger}.
   */
  static void check(FuzzSetup setup, Ledger ledger, Map<String, Candidate> candidates)
      throws Exception {
    String main = setup.pools().main();
    List<JsonNode> timeline;
    try (WsClient checker = WsClient.json(setup.node().httpAddress())) {
      checker.hello(setup.token(), "checker", null);
      timeline = checker.fullHistory(main);
    }
    Map<String, Long> sent = ledger.sentSeq();
    Map<String, Long> stored = new HashMap<>();
    EditsAndRecalls rules = new EditsAndRecalls(timeline, setup.self());
    for (int i = 0; i < timeline.size(); i++) {
      JsonNode entry = timeline.get(i);
      long seq = entry.get("seq").asLong();
      String cid = entry.get("cid").asText();
      if (seq != i + 1)
        ledger.finding(
            "the timeline has a gap or disorder at seq " + seq + " (position " + (i + 1) + ")");
      boolean peers = FuzzSetup.PEER_CID.equals(cid);
      if (!setup.self().equals(entry.get("from").asText())
          && !(peers && setup.pools().peer().equals(entry.get("from").asText())))
        ledger.finding("an entry not sent by the fuzzing user: " + entry);
      rules.checkStored(entry, ledger);
      Long twice = stored.put(cid, seq);
      if (twice != null)
        ledger.finding(
            "cid "
                + cid
                + " stored twice, at seq "
                + twice
                + " and "
                + seq
                + " (retries came within the dedup window)");
      Candidate c = candidates.get(cid);
      if (c == null) {
        if (!peers) ledger.finding("stored, but no valid send had its cid: " + entry);
      } else if (!c.kind().equals(entry.get("kind").asText())
          || !Decodes.same(rules.shownBody(entry, c.body()), entry.get("body"))) {
        ledger.finding("stored differently from its send (" + c + "): " + entry);
      }
      if (!peers && !sent.containsKey(cid))
        ledger.finding("stored, but never answered sent: " + entry);
    }
    sent.forEach(
        (cid, seq) -> {
          if (!seq.equals(stored.get(cid)))
            ledger.finding(
                "answered sent with seq "
                    + seq
                    + " but stored as "
                    + stored.get(cid)
                    + ": cid "
                    + cid);
        });
    for (Candidate c : candidates.values()) {
      String code = ledger.refusal(c.cid());
      if (code != null && !sent.containsKey(c.cid()) && !c.kind().equals("text"))
        rules.checkRefused(c, code, ledger);
    }
    ledger
        .pushed()
        .forEach(
            (seq, cid) -> {
              if (!seq.equals(stored.get(cid)))
                ledger.finding(
                    "pushed as seq " + seq + " but stored as " + stored.get(cid) + ": cid " + cid);
            });
    JsonNode listed = new Api(setup.node().httpAddress()).conversation(setup.token(), main);
    long lastSeq = listed == null ? 0 : listed.get("last_seq").asLong();
    if (lastSeq != timeline.size())
      ledger.finding(
          "GET /conversations says last_seq " + lastSeq + ", history holds " + timeline.size());
    ledger.count("stored entries: " + timeline.size());
  }
}
