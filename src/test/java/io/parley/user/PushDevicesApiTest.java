package io.parley.user;

import static io.parley.testing.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Push registrations on a real node: over REST ({@code /api/v1/me/devices}) and over the socket
 * ({@code push_register}, {@code push_unregister}), every refusal of a bad field with its rid, the
 * per-user cap (parley.push.max-devices-per-user, 10) and the token size cap
 * (parley.push.max-token-bytes, 4096), and removal at logout.
 */
@Integration
@ExtendWith(TestNodes.class)
class PushDevicesApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_DEVICES = 10;
  private static final int MAX_TOKEN_BYTES = 4096;
  private Node node;
  private Api api;
  private Rest rest;

  @BeforeEach
  void setUp(Node shared) {
    node = shared;
    api = new Api(node.httpAddress());
    rest = new Rest(node.httpAddress());
  }

  @Test
  void restRegistersListsReplacesAndDeletesWithoutEverShowingTokens() throws Exception {
    String token = api.registerAndLogin(Ids.user("ana"));
    String other = api.registerAndLogin(Ids.user("ben"));

    Api.Response phone =
        register(
            token, Map.of("device", "phone", "provider", "apns", "token", "a1b2", "preview", true));
    assertEquals(200, phone.status(), phone.toString());
    assertEquals("phone", phone.body().get("device").asText());
    assertEquals("apns", phone.body().get("provider").asText());
    assertTrue(phone.body().get("preview").asBoolean());
    assertTrue(phone.body().get("registered_at").asLong() > 0);
    Api.Response tablet =
        register(token, Map.of("device", "tablet", "provider", "fcm", "token", "fcm:tok/123"));
    assertEquals(200, tablet.status(), tablet.toString());
    assertFalse(tablet.body().get("preview").asBoolean(), "preview is off unless asked for");

    assertEquals(List.of("phone", "tablet"), listed(token));
    assertEquals(List.of(), listed(other), "another user sees none of them");
    String listing = api.get("/me/devices", token).body().toString();
    assertFalse(listing.contains("a1b2") || listing.contains("fcm:tok"), listing);
    assertFalse(listing.contains("\"token\""), listing);

    Api.Response replaced =
        register(token, Map.of("device", "phone", "provider", "webhook", "token", "hook-7"));
    assertEquals("webhook", replaced.body().get("provider").asText());
    assertEquals(List.of("phone", "tablet"), listed(token), "replaced, not added");

    assertEquals(204, rest.call("DELETE", "/me/devices/phone", token, null).status());
    assertEquals(List.of("tablet"), listed(token));
    assertEquals(204, rest.call("DELETE", "/me/devices/phone", token, null).status(), "again: ok");
    assertEquals(400, rest.call("DELETE", "/me/devices/bad%20id", token, null).status());
    assertEquals(401, rest.call("GET", "/me/devices", null, null).status());
    assertEquals(
        401, register(null, Map.of("device", "x", "provider", "fcm", "token", "t")).status());
  }

  @Test
  void theSocketRegistersAndUnregistersItsOwnDeviceByDefault() throws Exception {
    String token = api.registerAndLogin(Ids.user("cal"));
    try (WsClient ws = WsClient.json(node.httpAddress())) {
      ws.hello(token, "phone", null);
      ws.send(frame("push_register", "rid", "r1", "provider", "fcm", "token", "tok-1"));
      assertEquals("ok", ws.awaitReply("r1").get("type").asText());
      ws.send(
          frame(
              "push_register",
              "rid",
              "r2",
              "device",
              "watch",
              "provider",
              "apns",
              "token",
              "tok-2",
              "preview",
              true));
      assertEquals("ok", ws.awaitReply("r2").get("type").asText());
      assertEquals(List.of("phone", "watch"), listed(token));
      JsonNode watch = api.get("/me/devices", token).body().get("devices").get(1);
      assertTrue(watch.get("preview").asBoolean());

      ws.send(frame("push_unregister", "rid", "r3"));
      assertEquals("ok", ws.awaitReply("r3").get("type").asText());
      assertEquals(List.of("watch"), listed(token));
      ws.send(frame("push_unregister", "rid", "r4", "device", "watch"));
      assertEquals("ok", ws.awaitReply("r4").get("type").asText());
      assertEquals(List.of(), listed(token));
    }
  }

  @Test
  void everyBadFieldIsRefusedWithItsRidOnTheSocketAndOverRest() throws Exception {
    String token = api.registerAndLogin(Ids.user("dan"));
    List<Map<String, Object>> bad = new ArrayList<>();
    bad.add(fields("phone", "gcm", "tok")); // unknown provider
    bad.add(fields("phone", null, "tok"));
    bad.add(fields("phone", "apns", ""));
    bad.add(fields("phone", "apns", null));
    bad.add(fields("phone", "apns", "has space"));
    bad.add(fields("phone", "apns", "caf\u00e9"));
    bad.add(fields("phone", "apns", "tab\there"));
    bad.add(fields("phone", "apns", "x".repeat(MAX_TOKEN_BYTES + 1)));
    bad.add(fields("bad id", "apns", "tok"));
    bad.add(fields("d".repeat(65), "apns", "tok"));
    Map<String, Object> notBoolean = fields("phone", "apns", "tok");
    notBoolean.put("preview", "yes");
    bad.add(notBoolean);
    Map<String, Object> numberToken = fields("phone", "apns", null);
    numberToken.put("token", 12345);
    bad.add(numberToken);

    try (WsClient ws = WsClient.json(node.httpAddress())) {
      ws.hello(token, "phone", null);
      int n = 0;
      for (Map<String, Object> f : bad) {
        String rid = "bad-" + n++;
        ObjectNode frame = JSON.valueToTree(f);
        frame.put("type", "push_register").put("rid", rid);
        ws.send(frame);
        JsonNode reply = ws.awaitReply(rid);
        assertEquals("error", reply.get("type").asText(), label(f) + " -> " + reply);
        assertEquals("bad_request", reply.get("code").asText(), label(f) + " -> " + reply);
        assertTrue(reply.get("message").asText().length() > 5, reply.toString());
      }
      ws.send(frame("push_unregister", "rid", "bad-unreg", "device", "no spaces please"));
      assertEquals("bad_request", ws.awaitReply("bad-unreg").get("code").asText());
      // Still open and well: the largest token there may be is taken.
      ws.send(
          frame(
              "push_register",
              "rid",
              "max",
              "provider",
              "apns",
              "token",
              "x".repeat(MAX_TOKEN_BYTES)));
      assertEquals("ok", ws.awaitReply("max").get("type").asText());
    }
    for (Map<String, Object> f : bad) {
      Api.Response refused = register(token, f);
      assertEquals(400, refused.status(), label(f) + " -> " + refused);
      assertEquals("bad_request", refused.body().get("error").asText());
    }
    Map<String, Object> noDevice = fields(null, "apns", "tok");
    assertEquals(400, register(token, noDevice).status(), "REST names the device");
    assertEquals(400, rest.call("POST", "/me/devices", token, "[\"not\",\"an object\"]").status());
    assertEquals(List.of("phone"), listed(token), "only the good one was stored");
  }

  @Test
  void anEleventhDeviceIsRefusedButAKnownOneMayReRegister() throws Exception {
    String token = api.registerAndLogin(Ids.user("eli"));
    for (int i = 1; i <= MAX_DEVICES; i++) {
      assertEquals(200, register(token, fields("d" + i, "fcm", "tok-" + i)).status());
    }
    Api.Response over = register(token, fields("d11", "fcm", "tok-11"));
    assertEquals(403, over.status(), over.toString());
    assertEquals("forbidden", over.body().get("error").asText());
    assertTrue(over.body().get("message").asText().contains("at most 10"), over.toString());
    try (WsClient ws = WsClient.json(node.httpAddress())) {
      ws.hello(token, "d12", null);
      ws.send(frame("push_register", "rid", "over", "provider", "fcm", "token", "tok-12"));
      JsonNode refused = ws.awaitReply("over");
      assertEquals("forbidden", refused.get("code").asText(), refused.toString());
      ws.send(
          frame(
              "push_register", "rid", "again", "device", "d3", "provider", "apns", "token", "t3"));
      assertEquals("ok", ws.awaitReply("again").get("type").asText());
    }
    assertEquals(MAX_DEVICES, listed(token).size());
  }

  @Test
  void logoutRemovesTheRegistrationsOfThatDevice() throws Exception {
    String user = Ids.user("fio");
    String keep = api.registerAndLogin(user);
    String phoneToken = api.login(user);
    String laptopToken = api.login(user);
    // The phone was registered from another of the user's logins, and logs out naming itself.
    register(keep, fields("phone", "apns", "tok-phone"));
    // The laptop registered over its socket, with the token it then logs out.
    try (WsClient laptop = WsClient.json(node.httpAddress())) {
      laptop.hello(laptopToken, "laptop", null);
      laptop.send(frame("push_register", "rid", "r", "provider", "webhook", "token", "tok-lap"));
      assertEquals("ok", laptop.awaitReply("r").get("type").asText());
    }
    register(keep, fields("tablet", "fcm", "tok-tablet"));
    assertEquals(List.of("laptop", "phone", "tablet"), listed(keep));

    assertEquals(400, rest.call("DELETE", "/sessions?device=bad%20id", phoneToken, null).status());
    assertEquals(204, rest.call("DELETE", "/sessions?device=phone", phoneToken, null).status());
    assertEquals(List.of("laptop", "tablet"), listed(keep));
    assertEquals(204, rest.call("DELETE", "/sessions", laptopToken, null).status());
    assertEquals(List.of("tablet"), listed(keep));
  }

  /** A request's fields for a failure message, a long token cut short. */
  private static String label(Map<String, Object> f) {
    String text = f.toString();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static Map<String, Object> fields(String device, String provider, String token) {
    Map<String, Object> f = new HashMap<>();
    if (device != null) f.put("device", device);
    if (provider != null) f.put("provider", provider);
    if (token != null) f.put("token", token);
    return f;
  }

  private Api.Response register(String token, Map<String, ?> body) throws Exception {
    return rest.call("POST", "/me/devices", token, JSON.writeValueAsString(body));
  }

  private List<String> listed(String token) throws Exception {
    Api.Response list = api.get("/me/devices", token);
    assertEquals(200, list.status(), list.toString());
    List<String> devices = new ArrayList<>();
    for (JsonNode d : list.body().get("devices")) devices.add(d.get("device").asText());
    return devices;
  }
}
