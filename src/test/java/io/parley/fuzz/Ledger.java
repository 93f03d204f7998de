package io.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.ClientFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one live fuzz run sent and what came back: the requests waiting for their one reply (by
 * rid), the {@code sent} answers and {@code msg} pushes of the checked conversation, and every
 * broken rule as a finding. Fed by the sockets' reader threads; all methods synchronized.
 */
final class Ledger {
  static final Set<String> ERROR_CODES =
      Set.of(
          "bad_request",
          "unauthorized",
          "forbidden",
          "not_found",
          "conflict",
          "too_large",
          "rate_limited",
          "unavailable",
          "internal");
  private static final Set<String> SERVER_TYPES =
      Set.of(
          "welcome",
          "conv_state",
          "synced",
          "pong",
          "sent",
          "msg",
          "history",
          "read",
          "delivered",
          "ok",
          "created",
          "typing",
          "contacts",
          "contact",
          "presence",
          "presence_list",
          "members",
          "people",
          "error");
  private static final int MAX_FINDINGS = 20;

  /**
   * A reply awaited for {@code rid}. {@code frame}: what the server decoded (null when it could
   * not, and {@code code} is the error it must answer with).
   */
  record Expect(
      String rid, String what, ClientFrame frame, String code, int connection, long since) {
    Expect(String rid, String what, ClientFrame frame, String code, int connection) {
      this(rid, what, frame, code, connection, System.nanoTime());
    }
  }

  private final String main;
  private final Map<String, Expect> pending = new HashMap<>();
  private final Set<String> answered = new HashSet<>();
  private final Set<String> used = new HashSet<>();
  private final Map<String, Long> sentSeq = new HashMap<>();
  private final Map<String, String> refused = new HashMap<>();
  private final Map<Long, String> pushed = new HashMap<>();
  private final Map<Integer, Long> lastPushed = new HashMap<>();
  private final List<String> findings = new ArrayList<>();
  private final Map<String, Integer> counts = new TreeMap<>();
  private final Map<Integer, Integer> closes = new HashMap<>();
  private final Map<Integer, Integer> waiting = new HashMap<>();
  private final Map<Integer, Integer> unattributedErrors = new HashMap<>();
  private final Set<Integer> synced = new HashSet<>();
  private final Map<String, Long> slowest = new TreeMap<>();
  private long highestSeq;

  Ledger(String main) {
    this.main = main;
  }

  FuzzSocket.Listener listener(int connection) {
    return new FuzzSocket.Listener() {
      @Override
      public void frame(JsonNode frame) {
        received(connection, frame);
      }

      @Override
      public void unreadable(byte[] bytes, Exception why) {
        finding("the server sent an unreadable frame (" + why + "): " + Texts.show(bytes, 300));
      }

      @Override
      public void closed(int code) {
        synchronized (Ledger.this) {
          closes.putIfAbsent(connection, code);
          Ledger.this.notifyAll();
        }
      }
    };
  }

  /** False when the rid was used before: its replies could not be told apart. */
  synchronized boolean claim(String rid) {
    return used.add(rid);
  }

  synchronized void expect(Expect e) {
    if (pending.put(e.rid(), e) == null) waiting.merge(e.connection(), 1, Integer::sum);
  }

  private synchronized void received(int connection, JsonNode f) {
    String type = f.path("type").asText("");
    count("in:" + type);
    if (!SERVER_TYPES.contains(type)) finding("a server frame of unknown type: " + f);
    if (type.equals("error") && !ERROR_CODES.contains(f.path("code").asText()))
      finding("an undocumented error code: " + f);
    if (type.equals("synced")) synced.add(connection);
    if (type.equals("sent") && main.equals(f.path("conv").asText()))
      recordSent(f.path("cid").asText(), f.path("seq").asLong());
    if (type.equals("msg") && main.equals(f.path("conv").asText())) {
      long seq = f.path("seq").asLong();
      Long last = lastPushed.put(connection, seq);
      if (last != null && seq <= last)
        finding("on one connection, msg seq " + seq + " came after seq " + last);
      String before = pushed.put(seq, f.path("cid").asText());
      if (before != null && !before.equals(f.path("cid").asText()))
        finding("seq pushed with two cids: " + f + ", before " + before);
    }
    JsonNode ridNode = f.get("rid");
    if (ridNode == null || ridNode.isNull()) {
      if (type.equals("error")) unattributedErrors.merge(connection, 1, Integer::sum);
    } else {
      String rid = ridNode.asText();
      Expect e = remove(rid);
      if (e != null) {
        answered.add(rid);
        long ms = (System.nanoTime() - e.since()) / 1_000_000;
        String kind = e.frame() == null ? "error" : Decodes.wireName(e.frame());
        slowest.merge(kind, ms, Math::max);
        check(e, f);
      } else if (answered.contains(rid)) {
        finding("a second reply to rid " + Texts.printable(rid) + ": " + f);
      } else if (!rid.startsWith("ignored-")) {
        finding("a reply to a rid no request carried, " + Texts.printable(rid) + ": " + f);
      }
    }
    notifyAll();
  }

  private void check(Expect e, JsonNode reply) {
    String type = reply.path("type").asText();
    String code = reply.path("code").asText(null);
    if (e.frame() == null) {
      if (!type.equals("error") || !(e.code().equals(code) || "rate_limited".equals(code))) {
        finding(e.what() + ": expected an error " + e.code() + ", got " + reply);
      }
      return;
    }
    Set<String> allowed =
        switch (Decodes.wireName(e.frame())) {
          case "ping" -> "rate_limited".equals(code) ? Set.of("error") : Set.of("pong");
          case "send" -> Set.of("sent", "error");
          case "history" -> Set.of("history", "error");
          case "create" -> Set.of("created", "error");
          case "contacts" -> Set.of("contacts", "error");
          case "members" -> Set.of("members", "error");
          case "hello" -> Set.of("error");
          default -> Set.of("ok", "error");
        };
    if (!allowed.contains(type))
      finding(e.what() + ": answered " + reply + ", expected one of " + allowed);
    count("reply:" + Decodes.wireName(e.frame()) + "->" + (code == null ? type : code));
    if (e.frame() instanceof ClientFrame.Send s && main.equals(s.conv())) {
      if (type.equals("sent") && !s.cid().equals(reply.path("cid").asText()))
        finding(e.what() + ": sent for another cid: " + reply);
      if (type.equals("error")) refused.put(s.cid(), code);
    }
  }

  private void recordSent(String cid, long seq) {
    Long before = sentSeq.putIfAbsent(cid, seq);
    if (before != null && before != seq)
      finding("cid " + Texts.printable(cid) + " answered with seq " + before + " and then " + seq);
    highestSeq = Math.max(highestSeq, seq);
  }

  synchronized void finding(String what) {
    if (findings.size() < MAX_FINDINGS) findings.add(Texts.printable(what));
    count("findings");
    notifyAll();
  }

  synchronized void count(String what) {
    counts.merge(what, 1, Integer::sum);
  }

  /** Requests of this connection that await their reply. */
  synchronized int waiting(int connection) {
    return waiting.getOrDefault(connection, 0);
  }

  /**
   * Waits until at most {@code limit} requests of this connection await replies, or it closed;
   * false on timeout.
   */
  synchronized boolean awaitAtMost(int connection, int limit, long timeoutMs)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (waiting(connection) > limit && !closes.containsKey(connection)) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) return false;
      wait(left);
    }
    return waiting(connection) <= limit;
  }

  /**
   * Drops the requests of this connection that have waited longer than {@code ms}; returns them.
   */
  synchronized List<Expect> abandonOlderThan(int connection, long ms) {
    long now = System.nanoTime();
    List<Expect> gone =
        pending.values().stream()
            .filter(e -> e.connection() == connection && now - e.since() > ms * 1_000_000)
            .toList();
    gone.forEach(e -> remove(e.rid()));
    return gone;
  }

  private Expect remove(String rid) {
    Expect e = pending.remove(rid);
    if (e != null) waiting.merge(e.connection(), -1, Integer::sum);
    return e;
  }

  /**
   * Waits for something about this connection: {@code until} holds, or it closed, or the time is
   * up.
   */
  synchronized boolean await(
      int connection, java.util.function.BooleanSupplier until, long timeoutMs)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!until.getAsBoolean() && !closes.containsKey(connection)) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) return false;
      wait(left);
    }
    return until.getAsBoolean();
  }

  /** Drops what this connection still awaited (it closed, or the wait timed out); returns it. */
  synchronized List<Expect> abandon(int connection) {
    List<Expect> gone =
        pending.values().stream().filter(e -> e.connection() == connection).toList();
    gone.forEach(e -> remove(e.rid()));
    return gone;
  }

  synchronized Integer closeCode(int connection) {
    return closes.get(connection);
  }

  synchronized boolean synced(int connection) {
    return synced.contains(connection);
  }

  synchronized boolean answered(String rid) {
    return answered.contains(rid);
  }

  synchronized int unattributedErrors(int connection) {
    return unattributedErrors.getOrDefault(connection, 0);
  }

  synchronized long highestSeq() {
    return highestSeq;
  }

  synchronized Map<String, Long> sentSeq() {
    return new HashMap<>(sentSeq);
  }

  synchronized Map<Long, String> pushed() {
    return new HashMap<>(pushed);
  }

  /** The error a send to the checked conversation was refused with (null: none seen). */
  synchronized String refusal(String cid) {
    return refused.get(cid);
  }

  synchronized List<String> findings() {
    return new ArrayList<>(findings);
  }

  /** The longest wait for a reply, in ms, by request type. */
  synchronized Map<String, Long> slowest() {
    return new TreeMap<>(slowest);
  }

  synchronized Map<String, Integer> counts() {
    return new TreeMap<>(counts);
  }
}
