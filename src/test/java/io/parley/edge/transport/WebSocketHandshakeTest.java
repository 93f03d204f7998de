package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** Which first requests Parley answers itself; everything it declines goes to Pekko HTTP. */
class WebSocketHandshakeTest {
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final String VALID =
      "GET /ws?v=1 HTTP/1.1\r\nhost: example\r\nUPGRADE: WebSocket\r\n"
          + "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: "
          + KEY
          + "\r\n"
          + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat, parley.v1.cbor\r\n"
          + "Sec-WebSocket-Protocol: parley.v1.json\r\n\r\n";

  @Test
  void aValidUpgradeIsParsedWithItsSubprotocolAndAccept() {
    WebSocketHandshake.Upgrade upgrade = parse(VALID + "extra");
    assertNotNull(upgrade);
    assertEquals("parley.v1.json", upgrade.subprotocol(), "JSON when both are offered");
    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", upgrade.accept(), "RFC 6455's sample");
    assertEquals(VALID.length(), upgrade.headLength(), "bytes after the head are frames");
    String response = upgrade.response().decodeString(StandardCharsets.US_ASCII);
    assertTrue(response.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), response);
    assertTrue(response.contains("\r\nSec-WebSocket-Protocol: parley.v1.json\r\n"), response);
    assertTrue(response.endsWith("\r\n\r\n"), response);
  }

  @Test
  void anythingUnusualIsLeftToPekkoHttp() {
    assertNull(parse(VALID.replace("GET /ws?v=1", "GET /ws/")), "another path");
    assertNull(parse(VALID.replace("HTTP/1.1", "HTTP/1.0")), "HTTP/1.0");
    assertNull(parse(VALID.replace("host: example\r\n", "")), "no Host");
    assertNull(parse(VALID.replace("Version: 13", "Version: 8")), "another version");
    assertNull(parse(VALID.replace("keep-alive, Upgrade", "keep-alive")), "no upgrade token");
    assertNull(parse(VALID.replace(KEY, "c2hvcnQ=")), "a key that is not 16 bytes");
    assertNull(parse(VALID.replace("\r\n\r\n", "\r\nContent-Length: 3\r\n\r\n")), "a body");
    assertNull(
        parse(VALID.replace("\r\n\r\n", "\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n")),
        "two lengths");
    assertNull(parse(VALID.replace("host: example", "host : example")), "space before a colon");
    assertNull(parse(VALID.substring(0, VALID.length() - 2)), "an incomplete head");
  }

  @Test
  void anEmptyBodyIsNoBody() {
    // What Java's HttpClient sends with every upgrade.
    assertNotNull(parse(VALID.replace("\r\n\r\n", "\r\nContent-Length: 0\r\n\r\n")));
  }

  @Test
  void noSubprotocolOfOursMeansNoneIsAnswered() {
    WebSocketHandshake.Upgrade upgrade =
        parse(
            VALID
                .replace("chat, parley.v1.cbor", "chat")
                .replace("Sec-WebSocket-Protocol: parley.v1.json\r\n", ""));
    assertNotNull(upgrade);
    assertNull(upgrade.subprotocol());
    assertFalse(
        upgrade
            .response()
            .decodeString(StandardCharsets.US_ASCII)
            .contains("Sec-WebSocket-Protocol"));
  }

  @Test
  void theChoiceIsMadeAsSoonAsTheBytesAllowIt() {
    assertFalse(decidable("GET /w"), "could still be the upgrade");
    assertTrue(decidable("POST"), "cannot be");
    assertTrue(decidable("GET /api"), "cannot be");
    assertFalse(decidable("GET /ws HTTP/1.1\r\nHost: x\r\n"), "head not complete yet");
    assertTrue(decidable(VALID), "head complete");
    byte[] tooLong = ascii("GET /ws HTTP/1.1\r\nX: " + "y".repeat(100));
    assertTrue(
        WebSocketHandshake.decidable(tooLong, tooLong.length, 0, 64), "longer than any upgrade");
    // A head whose blank line arrives split: the search resumes early enough to see it whole.
    byte[] valid = ascii(VALID);
    assertFalse(WebSocketHandshake.decidable(valid, valid.length - 1, 0, 8192));
    assertTrue(
        WebSocketHandshake.decidable(
            valid, valid.length, WebSocketHandshake.searchedUpTo(valid.length - 1), 8192),
        "the last byte completes the head");
  }

  private static WebSocketHandshake.Upgrade parse(String s) {
    return WebSocketHandshake.parse(bytes(s));
  }

  private static boolean decidable(String s) {
    byte[] b = ascii(s);
    return WebSocketHandshake.decidable(b, b.length, 0, 8192);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static ByteString bytes(String s) {
    return ByteString.fromString(s, StandardCharsets.ISO_8859_1);
  }
}
