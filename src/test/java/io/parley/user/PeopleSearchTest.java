package io.parley.user;

import static io.parley.testing.TestClient.frame;
import static io.parley.user.Contacting.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Await;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Finding people by a prefix of id or nickname, over REST and the socket, on the real node and its
 * Cassandra directory. The directory is shared by every test run, so each test's users share a
 * random prefix nobody else has.
 */
@Integration
@ExtendWith(TestNodes.class)
class PeopleSearchTest {
  private static final Duration LISTED = Duration.ofSeconds(20);
  private Node node;
  private Api api;
  private Rest rest;

  @BeforeEach
  void setUp(Node shared) {
    node = shared;
    api = new Api(node.httpAddress());
    rest = new Rest(node.httpAddress());
  }

  /** Six random letters: no other test's user id or nickname starts with them. */
  private static String tag() {
    StringBuilder tag = new StringBuilder();
    for (int i = 0; i < 6; i++) tag.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
    return tag.toString();
  }

  private Api.Response search(String token, String q, String cursor, Integer limit)
      throws Exception {
    StringBuilder path = new StringBuilder("/users?q=" + enc(q));
    if (cursor != null) path.append("&cursor=").append(enc(cursor));
    if (limit != null) path.append("&limit=").append(limit);
    return api.get(path.toString(), token);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The user ids on one page, in order. */
  private static List<String> ids(Api.Response page) {
    assertEquals(200, page.status(), page.toString());
    List<String> ids = new ArrayList<>();
    page.body().get("users").forEach(u -> ids.add(u.get("user").asText()));
    return ids;
  }

  private List<String> awaitIds(String token, String q, List<String> expected) throws Exception {
    return Await.until(() -> ids(search(token, q, null, null)), expected::equals, LISTED, q);
  }

  @Test
  void findsUsersByAPrefixOfTheirIdOrNicknameInAnyCase() throws Exception {
    String tag = tag();
    String ann = tag + "-ann";
    String bob = tag + "-bob";
    String annToken = api.registerAndLogin(ann, "Zanna " + tag);
    api.registerAndLogin(bob, "Ω" + tag.toUpperCase() + " Bob");

    // By id prefix, sorted by id; the case of the query does not matter.
    assertEquals(List.of(ann, bob), awaitIds(annToken, tag.toUpperCase(), List.of(ann, bob)));
    assertEquals(List.of(bob), ids(search(annToken, tag + "-b", null, null)));
    // By nickname prefix (lowercased both sides, any script).
    assertEquals(List.of(bob), awaitIds(annToken, "ω" + tag, List.of(bob)));
    Api.Response byNickname = search(annToken, "zanna " + tag.substring(0, 3), null, null);
    assertEquals(List.of(ann), ids(byNickname));
    assertEquals("Zanna " + tag, byNickname.body().get("users").get(0).get("nickname").asText());
    assertTrue(byNickname.body().get("cursor").isNull(), "one page only: " + byNickname);
    // A user whose id and nickname both match is listed once.
    String cid = tag + "-cid";
    api.registerAndLogin(cid, tag + "-cid the second");
    assertEquals(List.of(ann, bob, cid), awaitIds(annToken, tag, List.of(ann, bob, cid)));

    // The socket's find_people answers the same page.
    try (WsClient socket = WsClient.json(node.httpAddress())) {
      socket.hello(annToken, "phone", null);
      socket.send(frame("find_people", "rid", "f1", "q", tag, "limit", 10));
      JsonNode people = socket.awaitReply("f1");
      assertEquals("people", people.path("type").asText(), people.toString());
      List<String> found = new ArrayList<>();
      people.get("users").forEach(u -> found.add(u.get("user").asText()));
      assertEquals(List.of(ann, bob, cid), found);
      assertTrue(people.path("cursor").isMissingNode(), people.toString());
    }
  }

  @Test
  void pagesWithACursorUntilThereIsNone() throws Exception {
    String tag = tag();
    List<String> all = new ArrayList<>();
    String token = null;
    for (int i = 0; i < 5; i++) {
      String user = tag + "-" + i;
      String t = api.registerAndLogin(user, "Pager " + i);
      if (token == null) token = t;
      all.add(user);
    }
    String me = token;
    awaitIds(me, tag, all);

    List<String> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String cursor = null;
    do {
      Api.Response page = search(me, tag, cursor, 2);
      List<String> ids = ids(page);
      sizes.add(ids.size());
      seen.addAll(ids);
      cursor = page.body().get("cursor").isNull() ? null : page.body().get("cursor").asText();
    } while (cursor != null);
    assertEquals(all, seen, "every user once, in order");
    assertEquals(List.of(2, 2, 1), sizes);

    // Over the socket, a cursor from REST pages on the same way.
    try (WsClient socket = WsClient.json(node.httpAddress())) {
      socket.hello(me, "phone", null);
      String second = search(me, tag, null, 2).body().get("cursor").asText();
      socket.send(frame("find_people", "rid", "p2", "q", tag, "cursor", second, "limit", 2));
      JsonNode page = socket.awaitReply("p2");
      assertEquals(tag + "-2", page.get("users").get(0).get("user").asText(), page.toString());
    }
  }

  @Test
  void aUserWhoOptsOutIsNotFoundAndARenameMovesTheirListing() throws Exception {
    String tag = tag();
    String dee = tag + "-dee";
    String eve = tag + "-eve";
    String deeToken = api.registerAndLogin(dee, "Dee " + tag);
    String eveToken = api.registerAndLogin(eve, "Eve " + tag);
    awaitIds(eveToken, tag, List.of(dee, eve));

    Api.Response hidden = rest.patchMe(deeToken, Map.of("findable", false));
    assertEquals(200, hidden.status(), hidden.toString());
    assertFalse(hidden.body().get("findable").asBoolean());
    awaitIds(eveToken, tag, List.of(eve));
    assertEquals(List.of(), ids(search(eveToken, "dee " + tag, null, null)));
    // Their profile still answers: opting out hides them from search only.
    assertEquals(200, api.get("/users/" + dee, eveToken).status());
    assertFalse(api.get("/users/" + dee, deeToken).body().get("findable").asBoolean());
    assertTrue(api.get("/users/" + dee, eveToken).body().path("findable").isMissingNode());

    assertEquals(200, rest.patchMe(deeToken, Map.of("findable", true)).status());
    awaitIds(eveToken, tag, List.of(dee, eve));

    // A new nickname: found by it, no longer by the old one.
    assertEquals(200, rest.patchMe(deeToken, Map.of("nickname", "Xyl " + tag)).status());
    awaitIds(eveToken, "xyl " + tag, List.of(dee));
    assertEquals(List.of(), ids(search(eveToken, "dee " + tag, null, null)));
  }

  @Test
  void blockedUsersDoNotFindEachOther() throws Exception {
    String tag = tag();
    String fay = tag + "-fay";
    String gil = tag + "-gil";
    String hub = tag + "-hub";
    String fayToken = api.registerAndLogin(fay, "Fay");
    String gilToken = api.registerAndLogin(gil, "Gil");
    String hubToken = api.registerAndLogin(hub, "Hub");
    awaitIds(hubToken, tag, List.of(fay, gil, hub));

    try (WsClient fayPhone = WsClient.json(node.httpAddress())) {
      fayPhone.hello(fayToken, "phone", null);
      assertEquals("ok", op(fayPhone, "block", gil).path("type").asText());
    }
    // Neither finds the other, whoever blocked; others still find both.
    assertEquals(List.of(fay, hub), ids(search(fayToken, tag, null, null)));
    assertEquals(List.of(gil, hub), ids(search(gilToken, tag, null, null)));
    assertEquals(List.of(fay, gil, hub), ids(search(hubToken, tag, null, null)));
  }

  @Test
  void queriesOutOfBoundsAreBadRequests() throws Exception {
    String tag = tag();
    String token = api.registerAndLogin(tag + "-ivy", "Ivy");
    assertEquals(400, search(token, "a", null, null).status(), "one character");
    assertEquals(400, search(token, tag, null, 51).status(), "limit above max-limit");
    assertEquals(400, search(token, tag, null, 0).status());
    assertEquals(400, search(token, tag, "not a cursor!", null).status());
    assertEquals(400, api.get("/users", token).status(), "no q");
    assertEquals(401, search(null, tag, null, null).status());
    try (WsClient socket = WsClient.json(node.httpAddress())) {
      socket.hello(token, "phone", null);
      socket.send(frame("find_people", "rid", "short", "q", "a"));
      assertEquals("bad_request", socket.awaitReply("short").path("code").asText());
      socket.send(frame("find_people", "rid", "noq"));
      assertEquals("bad_request", socket.awaitReply("noq").path("code").asText());
    }
  }

  @Test
  void searchesAreRateLimitedPerUser() throws Exception {
    Map<String, Object> budget = new HashMap<>();
    budget.put("parley.people.search.rate", 0.01);
    budget.put("parley.people.search.burst", 2);
    try (Node own = TestNodes.start(budget)) {
      Api ownApi = new Api(own.httpAddress());
      String tag = tag();
      String token = ownApi.registerAndLogin(tag + "-joe");
      Api.Response first = ownApi.get("/users?q=" + tag, token);
      assertEquals(200, first.status(), first.toString());
      assertEquals(200, ownApi.get("/users?q=" + tag, token).status());
      Api.Response third = ownApi.get("/users?q=" + tag, token);
      assertEquals(429, third.status(), third.toString());
      assertEquals("rate_limited", third.body().get("error").asText());
      // The socket draws from the same budget.
      try (WsClient socket = WsClient.json(own.httpAddress())) {
        socket.hello(token, "phone", null);
        socket.send(frame("find_people", "rid", "r1", "q", tag));
        JsonNode refused = socket.awaitReply("r1");
        assertEquals("rate_limited", refused.path("code").asText(), refused.toString());
      }
      // Another user has a budget of their own.
      String other = ownApi.registerAndLogin(tag + "-kay");
      assertNotNull(other);
      assertEquals(200, ownApi.get("/users?q=" + tag, other).status());
    }
  }
}
