package io.parley.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A scenario's conversations on sockets past hello: direct pairs, groups, and who sends into which.
 */
final class Conversations {
  private Conversations() {}

  /**
   * The first {@code perConv} members of each conversation, each with the conversation it sends
   * into.
   */
  static List<Map.Entry<LoadClient, String>> senders(
      Map<String, List<LoadClient>> members, int perConv) {
    List<Map.Entry<LoadClient, String>> senders = new ArrayList<>();
    members.forEach(
        (conv, ms) -> ms.subList(0, perConv).forEach(c -> senders.add(Map.entry(c, conv))));
    return senders;
  }

  /** Sockets 2p and 2p + 1 share direct conversation p. */
  static Map<String, List<LoadClient>> pairs(List<LoadClient> clients) {
    Map<String, List<LoadClient>> members = new LinkedHashMap<>();
    for (int p = 0; p < clients.size() / 2; p++) {
      LoadClient a = clients.get(2 * p), b = clients.get(2 * p + 1);
      String conv =
          a.user.compareTo(b.user) < 0
              ? "d:" + a.user + ":" + b.user
              : "d:" + b.user + ":" + a.user;
      members.put(conv, List.of(a, b));
    }
    return members;
  }

  /**
   * One post per conversation before any step: a direct conversation's first post makes both
   * members' user entities list it, which at thousands of sends per second would otherwise land in
   * the first step's opening seconds (sends refused by the node's send gate) and measure the cold
   * start instead of the rate. The entries are seq 1, left out of the checks.
   */
  static void prime(Map<String, List<LoadClient>> members) throws Exception {
    Map<String, CompletableFuture<Frame>> sent = new LinkedHashMap<>();
    members.forEach(
        (conv, ms) ->
            sent.put(
                conv,
                ms.get(0)
                    .request(
                        "send",
                        ",\"conv\":\"" + conv + "\",\"cid\":\"setup\",\"body\":\"setup\"")));
    for (var e : sent.entrySet()) {
      Frame reply = members.get(e.getKey()).get(0).answer(e.getValue(), "answer to the setup post");
      if (!"sent".equals(reply.type()) || reply.seq() != 1) {
        throw new IllegalStateException(
            "setup post in " + e.getKey() + " (expected sent with seq 1): " + reply.raw());
      }
    }
  }

  /** Each run of k sockets is a group, created by its first member. */
  static Map<String, List<LoadClient>> groups(List<LoadClient> clients, int k) throws Exception {
    Map<String, List<LoadClient>> members = new LinkedHashMap<>();
    for (int g = 0; g < clients.size() / k; g++) {
      List<LoadClient> group = clients.subList(g * k, (g + 1) * k);
      StringBuilder list = new StringBuilder();
      for (int i = 1; i < k; i++)
        list.append(i > 1 ? "," : "").append('"').append(group.get(i).user).append('"');
      LoadClient owner = group.get(0);
      Frame created =
          owner.answer(
              owner.request(
                  "create",
                  ",\"kind\":\"group\",\"title\":\"bench " + g + "\",\"members\":[" + list + "]"),
              "answer to create");
      if (!"created".equals(created.type()))
        throw new IllegalStateException("create group: " + created.raw());
      members.put(created.conv(), List.copyOf(group));
    }
    return members;
  }
}
