package io.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {
  private final Codec json = Codec.json(new ClientFrame.Limits(200, 16384, 4096));
  private final Codec cbor = Codec.cbor(new ClientFrame.Limits(200, 16384, 4096));

  private Codec.Decoded decode(String text) {
    return json.decode(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void decodesASend() {
    var d =
        decode(
            "{\"type\":\"send\",\"rid\":\"1\",\"conv\":\"d:a1a:b2b\",\"cid\":\"x\",\"body\":\"hi\",\"extra\":1}");
    var send = assertInstanceOf(ClientFrame.Send.class, d.frame());
    assertEquals("hi", send.body().asText());
    assertEquals("1", send.rid());
  }

  @Test
  void malformedUnknownAndInvalidFramesAreBadRequestsKeepingTheRid() {
    assertEquals("bad_request", decode("{nope").error().code());
    assertNull(decode("{nope").error().rid());
    var unknown = decode("{\"type\":\"teleport\",\"rid\":\"r9\"}").error();
    assertEquals("r9", unknown.rid());
    assertTrue(unknown.message().contains("teleport"));
    assertEquals("bad_request", decode("[1,2]").error().code());
    assertEquals("bad_request", decode("{\"rid\":\"x\"}").error().code());
    assertEquals(
        "bad_request",
        decode("{\"type\":\"send\",\"conv\":\"c\",\"cid\":\"\",\"body\":\"x\"}").error().code());
    assertEquals(
        "bad_request",
        decode("{\"type\":\"send\",\"conv\":\"c\",\"cid\":\"a\",\"body\":{}}").error().code());
    assertEquals(
        "bad_request",
        decode("{\"type\":\"history\",\"conv\":\"c\",\"limit\":500}").error().code());
    assertEquals(
        "bad_request",
        decode("{\"type\":\"hello\",\"token\":\"t\",\"device\":\"bad device!\"}").error().code());
    assertEquals(
        "bad_request", decode("{\"type\":\"ack\",\"conv\":\"c\",\"seq\":\"x\"}").error().code());
  }

  @Test
  void aHelloWithoutATokenIsUnauthorizedOnBothDecodingPaths() {
    for (String token : List.of("", "\"token\":\"\",", "\"token\":null,", "\"token\":7,")) {
      var error = decode("{\"type\":\"hello\",\"rid\":\"h\"," + token + "\"device\":\"d\"}");
      assertEquals("unauthorized", error.error().code(), token);
      assertEquals("h", error.error().rid(), token);
    }
  }

  @Test
  void anOversizedFramesRidIsReadFromItsStartOnlyAtTopLevel() throws Exception {
    String body = "x".repeat(100);
    assertEquals("r1", tooLarge(json, "{\"rid\":\"r1\",\"type\":\"send\",\"body\":\"" + body));
    assertEquals(
        "r2",
        tooLarge(
            json,
            "{\"type\":\"send\",\"meta\":{\"rid\":\"no\"},\"rid\":\"r2\",\"body\":\"" + body));
    assertNull(tooLarge(json, "{\"type\":\"send\",\"body\":\"" + body + "\",\"rid\":\"late"));
    assertNull(tooLarge(json, "{\"rid\":\"cut off"), "a rid the start ends inside");
    assertNull(tooLarge(json, "{\"rid\":7,\"body\":\"" + body));
    assertNull(tooLarge(json, "{\"rid\":\"" + "r".repeat(65) + "\",\"body\":\"" + body));
    assertNull(tooLarge(json, "[\"rid\",\"r\"" + body));
    byte[] cbor =
        new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.cbor.CBORFactory())
            .writeValueAsBytes(java.util.Map.of("rid", "c1"));
    assertEquals(
        "c1", this.cbor.tooLarge(java.util.Arrays.copyOf(cbor, cbor.length), 9).error().rid());
    var error = json.tooLarge(new byte[0], 65536).error();
    assertEquals("too_large", error.code());
    assertTrue(error.message().contains("65536"));
  }

  private static String tooLarge(Codec codec, String head) {
    return codec.tooLarge(head.getBytes(StandardCharsets.UTF_8), 65536).error().rid();
  }

  @Test
  void aFrameIsOneObjectWithEachKeyOnce() {
    assertEquals("bad_request", decode("{\"type\":\"ping\",\"rid\":\"p\"} xx").error().code());
    assertEquals("bad_request", decode("{\"type\":\"ping\"}{\"type\":\"ping\"}").error().code());
    assertEquals(
        "bad_request",
        decode("{\"type\":\"ping\",\"type\":\"send\",\"rid\":\"d\"}").error().code());
    assertEquals(
        "bad_request",
        decode("{\"type\":\"ack\",\"conv\":\"c\",\"seq\":1,\"seq\":9}").error().code());
    assertEquals(
        "bad_request", decode("{\"type\":\"ack\",\"conv\":\"c\",\"seq\":1.5}").error().code());
    assertEquals(
        "bad_request",
        decode("{\"type\":\"history\",\"conv\":\"c\",\"limit\":\"\"}").error().code());
    assertEquals(
        "bad_request",
        decode("{\"type\":\"send\",\"conv\":\"c\",\"cid\":true,\"body\":\"x\"}").error().code());
  }

  @Test
  void theOnePassDecodeKeepsTheTreeRulesForRids() {
    // Bound in one pass, but a rid that is not a string of at most 64 chars stays an error.
    assertEquals(
        "rid must be a string of at most 64 chars",
        decode("{\"type\":\"ping\",\"rid\":5}").error().message());
    assertEquals("bad_request", decode("{\"type\":\"ping\",\"rid\":true}").error().code());
    assertEquals(
        "bad_request",
        decode("{\"type\":\"ping\",\"rid\":\"" + "r".repeat(65) + "\"}").error().code());
    assertNull(decode("{\"type\":\"ping\",\"rid\":null}").error());
    // The type need not come first; a validation problem keeps the rid.
    assertInstanceOf(ClientFrame.Ping.class, decode("{\"rid\":\"p\",\"type\":\"ping\"}").frame());
    var invalid =
        decode("{\"rid\":\"h1\",\"type\":\"history\",\"conv\":\"c\",\"limit\":500}").error();
    assertEquals("h1", invalid.rid());
  }

  @Test
  void serverFramesUseSnakeCaseAndLeaveOutNulls() {
    String text =
        new String(
            json.encode(new ServerFrame.ConvState("d:a:b", "direct", null, 5, 2, 3, "k3x", null)),
            StandardCharsets.UTF_8);
    assertEquals(
        "{\"type\":\"conv_state\",\"conv\":\"d:a:b\",\"kind\":\"direct\",\"last_seq\":5,\"read_seq\":2,\"unread\":3,\"epoch\":\"k3x\"}",
        text);
  }

  @Test
  void cborCarriesTheSameObjects() throws Exception {
    var msg = new ServerFrame.Msg("d:a:b", 7, "a", "c", "text", TextNode.valueOf("hi"), 42);
    var tree = cbor.mapper().readTree(cbor.encode(msg));
    assertEquals("msg", tree.get("type").asText());
    assertEquals(7, tree.get("seq").asLong());
    byte[] ping = cbor.mapper().writeValueAsBytes(java.util.Map.of("type", "ping", "rid", "p"));
    assertInstanceOf(ClientFrame.Ping.class, cbor.decode(ping).frame());
  }
}
