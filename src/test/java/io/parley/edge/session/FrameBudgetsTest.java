package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.parley.metrics.Metrics;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every frame class has a budget per connection and per user (parley.limits.frames), on a node with
 * the production budgets: a flood gets {@code rate_limited} after the burst, the refused frames
 * have no effect, and what got through is within burst + rate x elapsed. Sends are raised here
 * (RateLimitTest checks them) so that a timeline can be filled quickly.
 */
@Integration
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrameBudgetsTest {
  private Node node;
  private Api api;

  @BeforeAll
  void start() throws Exception {
    node =
        TestNodes.startWithRealFrameLimits(
            Map.of("parley.limits.send-rate", 100000, "parley.limits.send-burst", 100000));
    api = new Api(node.httpAddress());
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  @Test
  void aTypingFloodIsCutAtTheBudgetAndThePeerSeesOnlyWhatPassed() throws Exception {
    Budget typing = budget("typing");
    String amy = Ids.user("amy");
    String ben = Ids.user("ben");
    String conv = Ids.direct(amy, ben);
    try (WsClient a = api.phone(amy);
        WsClient b = api.phone(ben)) {
      a.sentSeq(conv, "hello", "links the conversation");
      double refusedBefore = refusedTyping();
      Flood flood = flood(a, "t", 40, i -> TestClient.frame("typing", "conv", conv));

      assertTrue(flood.refused() > 0, "the flood was cut: " + flood);
      assertEquals(refusedBefore + flood.refused(), refusedTyping(), "operators see the refusals");
      assertTrue(
          flood.accepted() <= typing.connectionBound(flood.seconds()),
          "within the budget: " + flood);
      a.sentSeq(conv, "after", "comes after every typing notice that passed");
      b.awaitMsgs(conv, 2);
      assertEquals(
          flood.accepted(), count(b, "typing"), "ben saw only the typing frames that passed");
    }
  }

  @Test
  void aReadFloodStoresNoMoreMarkersThanTheBudget() throws Exception {
    Budget reads = budget("reads");
    int messages = reads.burst() * 5 / 2;
    String amy = Ids.user("amy");
    String ben = Ids.user("ben");
    String conv = Ids.direct(amy, ben);
    try (WsClient a = api.phone(amy);
        WsClient b = api.phone(ben)) {
      for (int i = 1; i <= messages; i++) {
        a.send(
            TestClient.frame(
                "send", "rid", "s" + i, "conv", conv, "cid", "c" + i, "body", "m" + i));
      }
      for (int i = 1; i <= messages; i++)
        assertEquals("sent", a.awaitReply("s" + i).path("type").asText());
      b.awaitMsgs(conv, messages);

      // Each read is above the last: every one that passes stores a marker and sends amy a receipt.
      Flood flood =
          flood(b, "r", messages, i -> TestClient.frame("read", "conv", conv, "seq", i + 1));

      assertTrue(flood.refused() > 0, "the flood was cut: " + flood);
      assertTrue(
          flood.accepted() <= reads.connectionBound(flood.seconds()),
          "within the budget: " + flood);
      for (int i = 0; i < messages; i++) b.awaitReply("r" + i);
      b.sentSeq(conv, "after", "comes after every receipt of a stored read");
      a.awaitMsgs(conv, messages + 1);
      assertEquals(
          flood.accepted(), count(a, "read"), "one receipt per stored read, none for refused ones");
    }
  }

  @Test
  void aHistoryFloodIsCutAndEveryRequestGetsOneAnswer() throws Exception {
    Budget queries = budget("queries");
    int requests = queries.burst() * 3;
    String amy = Ids.user("amy");
    String ben = Ids.user("ben");
    String conv = Ids.direct(amy, ben);
    api.registerAndLogin(ben);
    try (WsClient a = api.phone(amy)) {
      a.sentSeq(conv, "one", "something to page");
      Flood flood =
          flood(a, "h", requests, i -> TestClient.frame("history", "conv", conv, "limit", 1));

      assertTrue(flood.refused() > 0, "the flood was cut: " + flood);
      assertTrue(
          flood.accepted() <= queries.connectionBound(flood.seconds()),
          "within the budget: " + flood);
      int pages = 0;
      for (int i = 0; i < requests; i++) {
        JsonNode reply = a.awaitReply("h" + i);
        if ("history".equals(reply.path("type").asText())) pages++;
      }
      assertEquals(flood.accepted(), pages, "a page for each request that passed");
      assertTrue(
          a.othersSnapshot().stream().noneMatch(f -> f.path("rid").asText("").startsWith("h")),
          "one answer each");
    }
  }

  @Test
  void aCreateFloodMakesNoMoreGroupsThanTheBudget() throws Exception {
    Budget changes = budget("changes");
    int requests = changes.burst() * 2;
    String amy = Ids.user("amy");
    String ben = Ids.user("ben");
    String benToken = api.registerAndLogin(ben);
    try (WsClient a = api.phone(amy)) {
      Flood flood =
          flood(
              a,
              "c",
              requests,
              i ->
                  TestClient.frame(
                      "create", "kind", "group", "title", "g" + i, "members", List.of(ben)));

      assertTrue(flood.refused() > 0, "the flood was cut: " + flood);
      assertTrue(
          flood.accepted() <= changes.connectionBound(flood.seconds()),
          "within the budget: " + flood);
      int created = 0;
      for (int i = 0; i < requests; i++) {
        if ("created".equals(a.awaitReply("c" + i).path("type").asText())) created++;
      }
      assertEquals(flood.accepted(), created);
      Api.Response list = api.get("/conversations", benToken);
      assertEquals(
          created,
          list.body().get("conversations").size(),
          "ben is in only the groups that were created");
    }
  }

  @Test
  void theUserBudgetHoldsAcrossTheUsersConnections() throws Exception {
    Budget typing = budget("typing");
    int perConnection = typing.userBurst() + 2;
    String amy = Ids.user("amy");
    String ben = Ids.user("ben");
    String conv = Ids.direct(amy, ben);
    String token = api.registerAndLogin(amy);
    List<WsClient> devices = new ArrayList<>();
    try (WsClient b = api.phone(ben)) {
      for (int d = 0; d < 3; d++) {
        WsClient device = WsClient.json(node.httpAddress());
        devices.add(device);
        device.hello(token, "device" + d, null);
      }
      devices.get(0).sentSeq(conv, "hello", "links the conversation");
      long start = System.nanoTime();
      int accepted = 0;
      for (int d = 0; d < devices.size(); d++) {
        accepted +=
            flood(
                    devices.get(d),
                    "t" + d,
                    perConnection,
                    i -> TestClient.frame("typing", "conv", conv))
                .accepted();
      }
      double seconds = (System.nanoTime() - start) / 1e9;

      assertTrue(
          accepted <= typing.userBound(seconds),
          "3 connections of one user got "
              + accepted
              + " typing frames through in "
              + seconds
              + " s; one connection's budget alone lets "
              + typing.burst()
              + " + "
              + typing.rate()
              + "/s through");
      devices.get(0).sentSeq(conv, "after", "comes after every typing notice that passed");
      b.awaitMsgs(conv, 2);
      assertEquals(accepted, count(b, "typing"), "ben saw only the typing frames that passed");
    } finally {
      for (WsClient device : devices) device.close();
    }
  }

  @Test
  void aDeviceThatAcksEveryMessageOfACatchUpIsNotLimited() throws Exception {
    int acks = node.system().settings().config().getInt("parley.session.catch-up-max");
    String amy = Ids.user("amy");
    String ben = Ids.user("ben");
    String conv = Ids.direct(amy, ben);
    try (WsClient a = api.phone(amy);
        WsClient b = api.phone(ben)) {
      a.sentSeq(conv, "hello", "ben learns of the conversation");
      b.awaitMsgs(conv, 1);
      Flood flood = flood(b, "a", acks, i -> TestClient.frame("ack", "conv", conv, "seq", 1));
      assertEquals(0, flood.refused(), "acks without a rid cost nothing; none refused: " + flood);
    }
  }

  /**
   * n frames with rids prefix0.. as fast as the socket takes them, then a ping to know they were
   * all handled.
   */
  private static Flood flood(TestClient client, String prefix, int n, IntFunction<ObjectNode> frame)
      throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      ObjectNode f = frame.apply(i);
      if (!"ack".equals(f.path("type").asText())) f.put("rid", prefix + i);
      client.send(f);
    }
    client.send(TestClient.frame("ping", "rid", prefix + "-done"));
    client.awaitReply(prefix + "-done");
    double seconds = (System.nanoTime() - start) / 1e9;
    // A refusal is written when its frame is handled, so all of them came before the pong.
    int refused = 0;
    for (JsonNode f : client.othersSnapshot()) {
      String rid = f.path("rid").asText(null);
      boolean ours =
          rid == null || rid.startsWith(prefix); // frames without a rid: refused without one
      if (ours && "rate_limited".equals(f.path("code").asText())) refused++;
    }
    return new Flood(n, refused, seconds);
  }

  private static double refusedTyping() {
    var counter = Metrics.REGISTRY.find("parley.frames.refused").tag("class", "typing").counter();
    return counter == null ? 0 : counter.count();
  }

  private static int count(TestClient client, String type) {
    return (int)
        client.othersSnapshot().stream().filter(f -> type.equals(f.path("type").asText())).count();
  }

  private Budget budget(String frameClass) {
    Config c = node.system().settings().config().getConfig("parley.limits.frames." + frameClass);
    return new Budget(
        c.getDouble("rate"), c.getInt("burst"), c.getDouble("user-rate"), c.getInt("user-burst"));
  }

  record Flood(int sent, int refused, double seconds) {
    int accepted() {
      return sent - refused;
    }
  }

  record Budget(double rate, int burst, double userRate, int userBurst) {
    /** The most frames one connection can get through in this many seconds (+1 for rounding). */
    double connectionBound(double seconds) {
      return burst + rate * seconds + 1;
    }

    double userBound(double seconds) {
      return userBurst + userRate * seconds + 1;
    }
  }
}
