package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Bytes;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.RawWebSocket;
import io.parley.testing.TcpClient;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A member who sends text that cannot be stored (a lone UTF-16 surrogate, or bytes that are not
 * UTF-8) gets bad_request for that frame, on every transport and codec, and the conversation goes
 * on: the next send is stored with the next seq, and nothing else was stored.
 */
@Integration
@ExtendWith(TestNodes.class)
class IllFormedTextSocketTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
  private static final String LONE_SURROGATE_SEND =
      "{\"type\":\"send\",\"rid\":\"bad\",\"conv\":\"%s\",\"cid\":\"poison\",\"kind\":\"text\",\"body\":\"bad \\ud800 body\"}";

  @Test
  void aLoneSurrogateOverJsonWebSocketIsABadRequestAndTheConversationGoesOn(Node node)
      throws Exception {
    Api api = new Api(node.httpAddress());
    String ann = Ids.user("ann");
    String bob = Ids.user("bob");
    String conv = Ids.direct(ann, bob);
    try (WsClient a = api.phone(ann);
        WsClient b = api.phone(bob)) {
      assertEquals(1, a.sentSeq(conv, "m1", "hello"));
      a.sendRaw(String.format(LONE_SURROGATE_SEND, conv));
      assertBadRequest(a.awaitReply("bad"));
      assertEquals(2, a.sentSeq(conv, "m2", "still here"));
      assertEquals(3, b.sentSeq(conv, "m3", "so am I"));
      assertOnlyGoodEntries(b, conv, "m1", "m2", "m3");
    }
  }

  @Test
  void aCborTextStringThatIsNotUtf8IsABadRequestAndTheConversationGoesOn(Node node)
      throws Exception {
    Api api = new Api(node.httpAddress());
    String ann = Ids.user("ann");
    String bob = Ids.user("bob");
    String conv = Ids.direct(ann, bob);
    try (WsClient a = WsClient.cbor(node.httpAddress());
        WsClient b = api.phone(bob)) {
      a.hello(api.registerAndLogin(ann), "cbor", null);
      assertEquals(1, a.sentSeq(conv, "m1", "hello"));
      byte[] frame =
          CBOR.writeValueAsBytes(
              Map.of(
                  "type",
                  "send",
                  "rid",
                  "bad",
                  "conv",
                  conv,
                  "cid",
                  "poison",
                  "body",
                  "bad XXX body"));
      // The UTF-8 form of the surrogate U+D800, which decoders that do not check turn into it.
      a.sendBinary(Bytes.replace(frame, "XXX", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
      assertBadRequest(a.awaitReply("bad"));
      assertEquals(2, a.sentSeq(conv, "m2", "still here"));
      assertOnlyGoodEntries(b, conv, "m1", "m2");
    }
  }

  @Test
  void overRawTcpLoneSurrogatesAndInvalidUtf8AreBadRequestsAndTheConversationGoesOn(Node node)
      throws Exception {
    Api api = new Api(node.httpAddress());
    String ann = Ids.user("ann");
    String bob = Ids.user("bob");
    String conv = Ids.direct(ann, bob);
    try (TcpClient a = new TcpClient(node.tcpAddress());
        WsClient b = api.phone(bob)) {
      a.hello(api.registerAndLogin(ann), "tcp", null);
      assertEquals(1, a.sentSeq(conv, "m1", "hello"));
      a.sendRaw(String.format(LONE_SURROGATE_SEND, conv));
      assertBadRequest(a.awaitReply("bad"));
      byte[][] notUtf8 = {
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
        {(byte) 0xC0, (byte) 0xAF}, // an overlong "/"
      };
      for (int i = 0; i < notUtf8.length; i++) {
        a.sendRaw(sendWithRawBody(conv, "bad" + i, notUtf8[i]));
        assertBadRequest(a.awaitReply("bad" + i));
      }
      assertEquals(2, a.sentSeq(conv, "m2", "still here"));
      assertOnlyGoodEntries(b, conv, "m1", "m2");
    }
  }

  @Test
  void aWebSocketTextFrameThatIsNotUtf8IsABadRequest(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String ann = Ids.user("ann");
    String bob = Ids.user("bob");
    String conv = Ids.direct(ann, bob);
    String token = api.registerAndLogin(ann);
    try (RawWebSocket raw = RawWebSocket.open(node.httpAddress());
        WsClient b = api.phone(bob)) {
      raw.write(
          RawWebSocket.maskedFrame(
              1,
              JSON.writeValueAsBytes(TestClient.frame("hello", "token", token, "device", "raw"))));
      readUntil(raw, "synced");
      raw.write(
          RawWebSocket.maskedFrame(
              1, sendWithRawBody(conv, "bad", new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF})));
      assertBadRequest(readUntil(raw, "error"));
      byte[] good =
          JSON.writeValueAsBytes(
              TestClient.frame("send", "rid", "ok", "conv", conv, "cid", "m1", "body", "fine"));
      raw.write(RawWebSocket.maskedFrame(1, good));
      assertEquals(1, readUntil(raw, "sent").get("seq").asLong());
      assertOnlyGoodEntries(b, conv, "m1");
    }
  }

  private static void assertBadRequest(JsonNode reply) {
    assertEquals("error", reply.path("type").asText(), reply.toString());
    assertEquals("bad_request", reply.path("code").asText(), reply.toString());
  }

  /** The peer got exactly these entries, and the stored timeline holds exactly them. */
  private static void assertOnlyGoodEntries(TestClient peer, String conv, String... cids)
      throws Exception {
    List<JsonNode> msgs = peer.awaitMsgs(conv, cids.length);
    assertEquals(List.of(cids), msgs.stream().map(m -> m.get("cid").asText()).toList());
    List<JsonNode> stored = peer.fullHistory(conv);
    assertEquals(List.of(cids), stored.stream().map(m -> m.get("cid").asText()).toList());
    for (int i = 0; i < stored.size(); i++) assertEquals(i + 1, stored.get(i).get("seq").asLong());
  }

  private static byte[] sendWithRawBody(String conv, String rid, byte[] middle) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ("{\"type\":\"send\",\"rid\":\""
                + rid
                + "\",\"conv\":\""
                + conv
                + "\",\"cid\":\""
                + rid
                + "\",\"body\":\"x")
            .getBytes(StandardCharsets.UTF_8));
    out.writeBytes(middle);
    out.writeBytes("y\"}".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static JsonNode readUntil(RawWebSocket raw, String type) throws Exception {
    while (true) {
      RawWebSocket.Frame frame = raw.read();
      assertTrue(frame.opcode() == 1, "expected text frames, got opcode " + frame.opcode());
      JsonNode json = JSON.readTree(frame.payload());
      if (type.equals(json.path("type").asText())) return json;
    }
  }
}
