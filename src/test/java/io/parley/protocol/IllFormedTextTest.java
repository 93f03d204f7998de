package io.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.parley.testing.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Text a client sends is stored (bodies, cids, titles) and echoed (rids, conv ids, error messages),
 * and a string that is not well-formed Unicode (a lone UTF-16 surrogate) cannot be stored: the
 * journal's CBOR serializer throws on it. Such frames, and JSON that is not valid UTF-8, are
 * refused as bad_request by the codec, and nothing ill-formed is echoed back.
 */
class IllFormedTextTest {
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
  private final Codec json = Codec.json(new ClientFrame.Limits(200, 16384, 4096));
  private final Codec cbor = Codec.cbor(new ClientFrame.Limits(200, 16384, 4096));

  private ServerFrame.Error refused(String frame) {
    Codec.Decoded d = json.decode(frame.getBytes(StandardCharsets.UTF_8));
    assertNull(d.frame(), () -> "accepted: " + frame);
    assertEquals("bad_request", d.error().code());
    return d.error();
  }

  @Test
  void aLoneSurrogateInAnyStoredOrEchoedFieldIsABadRequestThatKeepsTheRid() {
    String lone = "\\ud800";
    List<String> frames =
        List.of(
            "{\"type\":\"send\",\"rid\":\"s\",\"conv\":\"d:aaa:bbb\",\"cid\":\"c\",\"body\":\"bad "
                + lone
                + " body\"}",
            "{\"type\":\"send\",\"rid\":\"s\",\"conv\":\"d:aaa:bbb\",\"cid\":\"c\",\"body\":\"low \\udc00 first\"}",
            "{\"type\":\"send\",\"rid\":\"s\",\"conv\":\"d:aaa:bbb\",\"cid\":\"c\",\"body\":\"reversed \\udc00\\ud800\"}",
            "{\"type\":\"send\",\"rid\":\"s\",\"conv\":\"d:aaa:bbb\",\"cid\":\"c"
                + lone
                + "\",\"body\":\"b\"}",
            "{\"type\":\"send\",\"rid\":\"s\",\"conv\":\"d:aaa"
                + lone
                + "\",\"cid\":\"c\",\"body\":\"b\"}",
            "{\"type\":\"create\",\"rid\":\"s\",\"kind\":\"group\",\"title\":\"t"
                + lone
                + "\",\"members\":[]}",
            "{\"type\":\"title\",\"rid\":\"s\",\"conv\":\"g:abc\",\"title\":\"t" + lone + "\"}",
            "{\"type\":\"history\",\"rid\":\"s\",\"conv\":\"g:abc" + lone + "\"}",
            "{\"type\":\"read\",\"rid\":\"s\",\"conv\":\"g:abc" + lone + "\",\"seq\":1}",
            "{\"type\":\"ack\",\"rid\":\"s\",\"conv\":\"g:abc" + lone + "\",\"seq\":1}",
            "{\"type\":\"typing\",\"rid\":\"s\",\"conv\":\"g:abc" + lone + "\"}",
            "{\"type\":\"join\",\"rid\":\"s\",\"conv\":\"r:abc" + lone + "\"}",
            "{\"type\":\"leave\",\"rid\":\"s\",\"conv\":\"g:abc" + lone + "\"}",
            "{\"type\":\"invite\",\"rid\":\"s\",\"conv\":\"g:abc"
                + lone
                + "\",\"users\":[\"bob\"]}",
            "{\"type\":\"kick\",\"rid\":\"s\",\"conv\":\"g:abc" + lone + "\",\"user\":\"bob\"}",
            "{\"type\":\"role\",\"rid\":\"s\",\"conv\":\"g:abc"
                + lone
                + "\",\"user\":\"bob\",\"role\":\"admin\"}",
            "{\"type\":\"hello\",\"rid\":\"s\",\"token\":\"t" + lone + "\",\"device\":\"d\"}",
            "{\"type\":\"hello\",\"rid\":\"s\",\"token\":\"t\",\"device\":\"d\",\"cursors\":{\"g:a"
                + lone
                + "\":1}}");
    for (String frame : frames) assertEquals("s", refused(frame).rid(), frame);
  }

  @Test
  void aSurrogatePairIsWellFormedAndAccepted() {
    var d =
        json.decode(
            "{\"type\":\"send\",\"conv\":\"d:aaa:bbb\",\"cid\":\"c\",\"body\":\"\\ud83d\\ude00 \uD83D\uDE00\"}"
                .getBytes(StandardCharsets.UTF_8));
    var send = assertInstanceOf(ClientFrame.Send.class, d.frame());
    assertEquals("\uD83D\uDE00 \uD83D\uDE00", send.body().asText());
  }

  @Test
  void anIllFormedRidIsNotEchoedAndErrorsCarryNoLoneSurrogate() {
    var rid = refused("{\"type\":\"ping\",\"rid\":\"r\\ud800\"}");
    assertNull(rid.rid());
    // Jackson's messages quote the offending value; an unknown type is quoted by Parley.
    var type = refused("{\"type\":\"tele\\ud800port\",\"rid\":\"r\"}");
    assertEquals("r", type.rid());
    assertWellFormed(type.message());
    var value = refused("{\"type\":\"ack\",\"rid\":\"r\",\"conv\":\"c\",\"seq\":\"x\\udfff\"}");
    assertWellFormed(value.message());
    // What the server writes back decodes on both codecs (CBOR refuses to encode a lone surrogate).
    assertNotNull(cbor.encode(type));
    assertNotNull(cbor.encode(value));
  }

  @Test
  void jsonThatIsNotValidUtf8IsABadRequest() {
    byte[][] invalid = {
      {(byte) 0xC0, (byte) 0xAF}, // overlong "/"
      {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // overlong "/"
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate (CESU-8)
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {(byte) 0x80}, // a continuation byte alone
      {(byte) 0xC3}, // truncated
      {(byte) 0xFF},
    };
    for (byte[] bad : invalid) {
      byte[] frame = sendWithBody(bad);
      Codec.Decoded d = json.decode(frame);
      assertNull(d.frame(), () -> "accepted " + hex(bad));
      assertEquals("bad_request", d.error().code());
    }
    // Valid multi-byte UTF-8 of every length is fine.
    Codec.Decoded ok = json.decode(sendWithBody("é€😀".getBytes(StandardCharsets.UTF_8)));
    assertEquals("aé€😀b", assertInstanceOf(ClientFrame.Send.class, ok.frame()).body().asText());
  }

  @Test
  void aCborTextStringThatIsNotWellFormedIsABadRequest() throws Exception {
    byte[] frame =
        CBOR.writeValueAsBytes(
            Map.of(
                "type",
                "send",
                "rid",
                "c1",
                "conv",
                "d:aaa:bbb",
                "cid",
                "c",
                "body",
                "bad XXXX body"));
    assertInstanceOf(ClientFrame.Send.class, cbor.decode(frame).frame());
    byte[][] invalid = {
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80, 'X'}, // an encoded surrogate
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
    };
    for (byte[] bad : invalid) {
      Codec.Decoded d = cbor.decode(Bytes.replace(frame, "XXXX", bad));
      assertNull(d.frame(), () -> "accepted " + hex(bad));
      assertEquals("bad_request", d.error().code());
      assertEquals("c1", d.error().rid());
    }
  }

  private static byte[] sendWithBody(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        "{\"type\":\"send\",\"conv\":\"d:aaa:bbb\",\"cid\":\"c\",\"body\":\"a"
            .getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    out.writeBytes("b\"}".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static void assertWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        assertTrue(i + 1 < s.length() && Character.isLowSurrogate(s.charAt(++i)), s);
      } else {
        assertTrue(!Character.isLowSurrogate(c), s);
      }
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) sb.append(String.format("%02x ", b));
    return sb.toString();
  }
}
