package io.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The stored timeline is the truth: after a step, page each conversation's history over the
 * protocol ({@code history} with {@code after}, 200 a page) across the seqs the step's acks named,
 * and check every acked (cid, seq) is stored there, once. An acked message that is not stored at
 * its seq is lost; a cid stored at two seqs is duplicated.
 *
 * <p>History reads the Cassandra journal directly, so with an in-memory journal every message would
 * look lost: run those with {@code --history-check off}.
 */
final class HistoryCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 200;

  record Result(long lost, long duplicated, long entriesRead) {}

  static Result check(Topology t, LoadRun run, Checker checker) throws Exception {
    long lost = 0, duplicated = 0, read = 0;
    for (Map.Entry<String, List<LoadClient>> conv : t.members.entrySet()) {
      Map<Long, String> acked = new HashMap<>();
      long[] range = {Long.MAX_VALUE, 0};
      run.ackedIn(
          conv.getKey(),
          (seq, cid) -> {
            acked.put(seq, cid);
            range[0] = Math.min(range[0], seq);
            range[1] = Math.max(range[1], seq);
          });
      if (acked.isEmpty()) continue;
      LoadClient reader =
          conv.getValue().stream().filter(c -> !c.closed()).findFirst().orElse(null);
      if (reader == null)
        throw new IllegalStateException("no open socket left to read " + conv.getKey());
      Map<Long, String> stored = new HashMap<>();
      Map<String, Long> seqOfCid = new HashMap<>();
      long after = range[0] - 1;
      while (after < range[1]) {
        Frame page =
            reader
                .request(
                    "history",
                    ",\"conv\":\"" + conv.getKey() + "\",\"after\":" + after + ",\"limit\":" + PAGE)
                .get(60, TimeUnit.SECONDS);
        if (!"history".equals(page.type()))
          throw new IllegalStateException("history: " + page.raw());
        JsonNode tree = JSON.readTree(page.raw());
        JsonNode messages = tree.path("messages");
        for (JsonNode m : messages) {
          long seq = m.path("seq").asLong();
          String cid = m.path("cid").asText(null);
          after = Math.max(after, seq);
          read++;
          if (cid == null || !cid.startsWith(run.tag + ".")) continue;
          stored.put(seq, cid);
          Long other = seqOfCid.putIfAbsent(cid, seq);
          if (other != null && other != seq) {
            duplicated++;
            checker.example(
                "history of "
                    + conv.getKey()
                    + " holds cid "
                    + cid
                    + " at "
                    + other
                    + " and "
                    + seq);
          }
        }
        if (messages.isEmpty() || !tree.path("has_more").asBoolean(false)) break;
      }
      for (Map.Entry<Long, String> a : acked.entrySet()) {
        if (!a.getValue().equals(stored.get(a.getKey()))) {
          lost++;
          if (lost <= 3) {
            checker.example(
                "acked "
                    + a.getValue()
                    + " at seq "
                    + a.getKey()
                    + " of "
                    + conv.getKey()
                    + " but history holds "
                    + stored.get(a.getKey()));
          }
        }
      }
    }
    return new Result(lost, duplicated, read);
  }
}
