package io.parley.user;

import static io.parley.user.Contacting.contactEvent;
import static io.parley.user.Contacting.contacts;
import static io.parley.user.Contacting.hasFrame;
import static io.parley.user.Contacting.list;
import static io.parley.user.Contacting.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Contacts over the socket: requests, accepts, removal and blocks, across two user entities. */
@Integration
@ExtendWith(TestNodes.class)
class PeopleTest {
  private Node node;
  private Api api;

  @BeforeEach
  void setUp(Node shared) {
    node = shared;
    api = new Api(node.httpAddress());
  }

  @Test
  void requestAndAcceptReachEveryDeviceOfTheOtherPartyAndBothListsFollow() throws Exception {
    String ann = Ids.user("ann");
    String ben = Ids.user("ben");
    String annToken = api.registerAndLogin(ann);
    String benToken = api.registerAndLogin(ben);
    try (WsClient annPhone = WsClient.json(node.httpAddress());
        WsClient benPhone = WsClient.json(node.httpAddress());
        WsClient benLaptop = WsClient.cbor(node.httpAddress())) {
      annPhone.hello(annToken, "phone", null);
      benPhone.hello(benToken, "phone", null);
      benLaptop.hello(benToken, "laptop", null);

      assertEquals("ok", op(annPhone, "friend_request", ben).path("type").asText());
      contactEvent(benPhone, "request", ann);
      contactEvent(benLaptop, "request", ann);
      // A retry is ok and changes nothing.
      assertEquals("ok", op(annPhone, "friend_request", ben).path("type").asText());

      JsonNode annLists = contacts(annPhone);
      assertEquals(List.of(ben), list(annLists, "pending_out"));
      assertEquals(List.of(), list(annLists, "friends"));
      JsonNode benLists = contacts(benLaptop);
      assertEquals(List.of(ann), list(benLists, "pending_in"));

      assertEquals("ok", op(benLaptop, "friend_accept", ann).path("type").asText());
      contactEvent(annPhone, "accept", ben);
      assertEquals("ok", op(benLaptop, "friend_accept", ann).path("type").asText(), "idempotent");

      for (var lists : List.of(contacts(annPhone), contacts(benPhone))) {
        assertEquals(1, list(lists, "friends").size(), lists.toString());
        assertEquals(List.of(), list(lists, "pending_in"));
        assertEquals(List.of(), list(lists, "pending_out"));
        assertEquals(List.of(), list(lists, "blocked"));
      }
      assertEquals(List.of(ben), list(contacts(annPhone), "friends"));
      assertEquals(List.of(ann), list(contacts(benPhone), "friends"));
    }
  }

  @Test
  void requestingSomeoneWhoAlreadyRequestedYouIsAnAccept() throws Exception {
    String cal = Ids.user("cal");
    String dee = Ids.user("dee");
    try (WsClient calPhone = api.phone(cal);
        WsClient deePhone = api.phone(dee)) {
      op(calPhone, "friend_request", dee);
      contactEvent(deePhone, "request", cal);

      assertEquals("ok", op(deePhone, "friend_request", cal).path("type").asText());
      contactEvent(calPhone, "accept", dee);
      assertEquals(List.of(dee), list(contacts(calPhone), "friends"));
      assertEquals(List.of(cal), list(contacts(deePhone), "friends"));
    }
  }

  @Test
  void unknownUsersMissingRequestsAndYourselfAreRefused() throws Exception {
    String eve = Ids.user("eve");
    String fay = Ids.user("fay");
    api.registerAndLogin(fay);
    try (WsClient evePhone = api.phone(eve)) {
      assertEquals(
          "not_found", op(evePhone, "friend_request", Ids.user("ghost")).path("code").asText());
      assertEquals("not_found", op(evePhone, "block", Ids.user("ghost")).path("code").asText());
      assertEquals("not_found", op(evePhone, "friend_accept", fay).path("code").asText());
      assertEquals("bad_request", op(evePhone, "friend_request", eve).path("code").asText());
      assertEquals(
          "bad_request", op(evePhone, "friend_request", "NOT AN ID").path("code").asText());
      JsonNode lists = contacts(evePhone);
      for (String field : List.of("friends", "pending_in", "pending_out", "blocked")) {
        assertEquals(List.of(), list(lists, field), field);
      }
    }
  }

  @Test
  void removeDropsTheFriendshipOnBothSidesAndTellsTheOther() throws Exception {
    String gus = Ids.user("gus");
    String hal = Ids.user("hal");
    try (WsClient gusPhone = api.phone(gus);
        WsClient halPhone = api.phone(hal)) {
      befriend(gusPhone, gus, halPhone, hal);

      assertEquals("ok", op(halPhone, "friend_remove", gus).path("type").asText());
      contactEvent(gusPhone, "remove", hal);
      assertEquals("ok", op(halPhone, "friend_remove", gus).path("type").asText(), "idempotent");
      assertEquals(List.of(), list(contacts(gusPhone), "friends"));
      assertEquals(List.of(), list(contacts(halPhone), "friends"));

      // Withdrawing a request: the other side's pending_in goes too.
      op(gusPhone, "friend_request", hal);
      contactEvent(halPhone, "request", gus);
      op(gusPhone, "friend_remove", hal);
      contactEvent(halPhone, "remove", gus);
      assertEquals(List.of(), list(contacts(halPhone), "pending_in"));
      assertEquals("not_found", op(halPhone, "friend_accept", gus).path("code").asText());
    }
  }

  @Test
  void aBlockedUsersRequestIsSwallowedAndTheirSendsAreForbiddenUntilUnblocked() throws Exception {
    String ivy = Ids.user("ivy");
    String jon = Ids.user("jon");
    String conv = Ids.direct(ivy, jon);
    try (WsClient ivyPhone = api.phone(ivy);
        WsClient jonPhone = api.phone(jon)) {
      befriend(ivyPhone, ivy, jonPhone, jon);
      assertEquals("sent", jonPhone.sendText(conv, "before-block", "hi").path("type").asText());

      // Ivy blocks Jon: the friendship goes on both sides, and Jon is not told.
      assertEquals("ok", op(ivyPhone, "block", jon).path("type").asText());
      assertEquals("ok", op(ivyPhone, "block", jon).path("type").asText(), "idempotent");
      JsonNode ivyLists = contacts(ivyPhone);
      assertEquals(List.of(jon), list(ivyLists, "blocked"));
      assertEquals(List.of(), list(ivyLists, "friends"));
      assertEquals(List.of(), list(contacts(jonPhone), "friends"));

      // Jon's request looks accepted as pending to him; Ivy stores and hears nothing.
      assertEquals("ok", op(jonPhone, "friend_request", ivy).path("type").asText());
      assertEquals(List.of(ivy), list(contacts(jonPhone), "pending_out"));
      assertEquals(List.of(), list(contacts(ivyPhone), "pending_in"));
      assertFalse(hasFrame(ivyPhone, "contact", jon), "no contact event for the blocker");
      assertFalse(hasFrame(jonPhone, "contact", ivy), "no contact event from the blocker");

      // Ivy cannot request Jon while she blocks him.
      assertEquals("conflict", op(ivyPhone, "friend_request", jon).path("code").asText());

      JsonNode refused = jonPhone.sendText(conv, "while-blocked", "hello?");
      assertEquals("error", refused.path("type").asText(), refused.toString());
      assertEquals("forbidden", refused.path("code").asText());
      assertEquals("sent", ivyPhone.sendText(conv, "from-ivy", "still mine").path("type").asText());

      assertEquals("ok", op(ivyPhone, "unblock", jon).path("type").asText());
      assertEquals(List.of(), list(contacts(ivyPhone), "blocked"));
      JsonNode again = jonPhone.sendText(conv, "after-unblock", "hello again");
      assertEquals("sent", again.path("type").asText(), again.toString());
    }
  }

  /** a requests, b accepts; both have seen the events. */
  static void befriend(WsClient aClient, String a, WsClient bClient, String b) throws Exception {
    assertEquals("ok", op(aClient, "friend_request", b).path("type").asText());
    contactEvent(bClient, "request", a);
    assertEquals("ok", op(bClient, "friend_accept", a).path("type").asText());
    contactEvent(aClient, "accept", b);
  }
}
