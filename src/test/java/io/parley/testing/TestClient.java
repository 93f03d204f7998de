package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A protocol client over some transport, for tests. Records every frame it receives: {@code msg}
 * frames in arrival order (to check order and exactly-once), everything else in a list that {@link
 * #await} consumes in order. All waits have a deadline; none sleeps.
 */
public abstract class TestClient implements AutoCloseable {
  public static final Duration TIMEOUT = Duration.ofSeconds(30);
  protected static final ObjectMapper JSON = new ObjectMapper();

  private final List<JsonNode> msgs = new ArrayList<>();
  private final List<JsonNode> others = new ArrayList<>();
  private Integer closeCode;
  private long closedAtNanos;

  protected abstract void sendBytes(ObjectNode frame) throws Exception;

  /** Sends raw bytes that need not be a valid frame (for malformed-input tests). */
  public abstract void sendRaw(String text) throws Exception;

  protected final synchronized void received(JsonNode frame) {
    if ("msg".equals(frame.path("type").asText())) msgs.add(frame);
    else others.add(frame);
    notifyAll();
  }

  protected final synchronized void closedWith(int code) {
    if (closeCode == null) {
      closeCode = code;
      closedAtNanos = System.nanoTime();
    }
    notifyAll();
  }

  /** When the server closed the connection ({@link System#nanoTime()}); after awaitClose. */
  public synchronized long closedAtNanos() {
    return closedAtNanos;
  }

  public static ObjectNode frame(String type, Object... keyValues) {
    ObjectNode node = JSON.createObjectNode().put("type", type);
    for (int i = 0; i < keyValues.length; i += 2) {
      node.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
    }
    return node;
  }

  public void send(ObjectNode frame) throws Exception {
    sendBytes(frame);
  }

  /**
   * Takes the earliest received non-msg frame that matches (it is not returned again); frames that
   * do not match stay for later awaits.
   */
  public synchronized JsonNode await(Predicate<JsonNode> match, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      for (int i = 0; i < others.size(); i++) {
        if (match.test(others.get(i))) return others.remove(i);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || closeCode != null) {
        throw new AssertionError("no " + what + " within " + TIMEOUT + "; unclaimed: " + others);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /**
   * As {@link #await}, but waits at most {@code wait} (less if the connection closes) and returns
   * null when nothing matched by then.
   */
  public synchronized JsonNode poll(Predicate<JsonNode> match, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      for (int i = 0; i < others.size(); i++) {
        if (match.test(others.get(i))) return others.remove(i);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || closeCode != null) return null;
      wait(Math.max(1, left / 1_000_000));
    }
  }

  public JsonNode awaitType(String type) throws InterruptedException {
    return await(f -> type.equals(f.path("type").asText()), type);
  }

  public JsonNode awaitReply(String rid) throws InterruptedException {
    return await(f -> rid.equals(f.path("rid").asText(null)), "reply to " + rid);
  }

  /** The conv_state frames received (consumed), by conversation. */
  public Map<String, JsonNode> convStates() throws InterruptedException {
    Map<String, JsonNode> states = new java.util.HashMap<>();
    synchronized (this) {
      for (JsonNode f : new ArrayList<>(others)) {
        if ("conv_state".equals(f.path("type").asText())) {
          states.put(f.get("conv").asText(), f);
          others.remove(f);
        }
      }
    }
    return states;
  }

  /** Says hello and waits for welcome and synced (conv_state frames stay for convStates()). */
  public JsonNode hello(String token, String device, Map<String, Long> cursors) throws Exception {
    ObjectNode hello = frame("hello", "token", token, "device", device);
    if (cursors != null) hello.set("cursors", JSON.valueToTree(cursors));
    send(hello);
    JsonNode welcome = awaitType("welcome");
    awaitType("synced");
    return welcome;
  }

  public JsonNode sendText(String conv, String cid, String body) throws Exception {
    String rid = "r-" + cid;
    send(frame("send", "rid", rid, "conv", conv, "cid", cid, "kind", "text", "body", body));
    return awaitReply(rid);
  }

  /** The whole stored timeline of conv, paged with {@code history} (after = 0, 200 a page). */
  public List<JsonNode> fullHistory(String conv) throws Exception {
    List<JsonNode> all = new ArrayList<>();
    long after = 0;
    while (true) {
      String rid = "full-history-" + after;
      send(frame("history", "rid", rid, "conv", conv, "after", after, "limit", 200));
      JsonNode page = awaitReply(rid);
      page.get("messages").forEach(all::add);
      if (!page.get("has_more").asBoolean() || page.get("messages").isEmpty()) return all;
      after = all.get(all.size() - 1).get("seq").asLong();
    }
  }

  /**
   * Sends a text message and returns the seq of its {@code sent} reply (fails on anything else).
   */
  public long sentSeq(String conv, String cid, String body) throws Exception {
    JsonNode reply = sendText(conv, cid, body);
    if (!"sent".equals(reply.path("type").asText())) {
      throw new AssertionError("send " + cid + " to " + conv + " got " + reply);
    }
    return reply.get("seq").asLong();
  }

  /** Waits until at least n msg frames of conv arrived; returns all of them in arrival order. */
  public synchronized List<JsonNode> awaitMsgs(String conv, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (msgs(conv).size() < n) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("wanted " + n + " msgs of " + conv + ", got " + msgs(conv).size());
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return msgs(conv);
  }

  /** Whether at least n msg frames of conv arrived, waiting at most {@code wait} for them. */
  public synchronized boolean hasMsgs(String conv, int n, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (msgs(conv).size() < n) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  public synchronized List<JsonNode> msgs(String conv) {
    return msgs.stream().filter(m -> conv.equals(m.path("conv").asText())).toList();
  }

  /** Waits for the server to close the connection; returns the close code (TCP: 0). */
  public synchronized int awaitClose() throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (closeCode == null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("connection not closed within " + TIMEOUT);
      wait(Math.max(1, left / 1_000_000));
    }
    return closeCode;
  }

  public synchronized boolean isClosed() {
    return closeCode != null;
  }

  public synchronized List<JsonNode> othersSnapshot() {
    return new ArrayList<>(others);
  }
}
