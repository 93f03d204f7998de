package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.Api;
import io.parley.testing.Endpoints;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TcpClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One session model over every transport: raw TCP, WebSocket JSON and WebSocket CBOR (and all of it
 * again over TLS: {@link TransportsOverTlsTest}).
 */
@Integration
@ExtendWith(TestNodes.class)
class TransportsTest {

  @Test
  void tcpClientAndCborWebSocketClientChat(Endpoints node) throws Exception {
    Api api = node.api();
    String tina = Ids.user("tina");
    String carl = Ids.user("carl");
    String tinaToken = api.registerAndLogin(tina);
    String carlToken = api.registerAndLogin(carl);
    String conv = Ids.direct(tina, carl);

    try (TcpClient tcp = node.tcp();
        WsClient cbor = node.cbor()) {
      assertEquals("parley.v1.cbor", cbor.subprotocol());
      assertEquals(tina, tcp.hello(tinaToken, "tcp-device", null).get("user").asText());
      assertEquals(carl, cbor.hello(carlToken, "cbor-device", null).get("user").asText());

      assertEquals(1, tcp.sentSeq(conv, "t1", "hi over tcp"));
      assertEquals(2, cbor.sentSeq(conv, "c1", "hi over cbor"));
      assertEquals(3, tcp.sentSeq(conv, "t2", "ünïcödé ✓"));

      for (var client : List.of(tcp, cbor)) {
        List<JsonNode> msgs = client.awaitMsgs(conv, 3);
        assertEquals(
            List.of("t1", "c1", "t2"), msgs.stream().map(m -> m.get("cid").asText()).toList());
        assertEquals("hi over cbor", msgs.get(1).get("body").asText());
        assertEquals("ünïcödé ✓", msgs.get(2).get("body").asText());
      }

      tcp.sendRaw("][");
      assertEquals("bad_request", tcp.awaitType("error").get("code").asText());
      tcp.send(io.parley.testing.TestClient.frame("ping", "rid", "p"));
      assertEquals("pong", tcp.awaitReply("p").get("type").asText());
    }
  }
}
