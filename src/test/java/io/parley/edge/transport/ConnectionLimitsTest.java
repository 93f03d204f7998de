package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Await;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.RawWebSocket;
import io.parley.testing.TcpClient;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Connections per node, per source address and per user are capped: over a cap, an upgrade is
 * answered 503 with Retry-After before any upgrade, a raw TCP socket gets an {@code unavailable}
 * error, a hello gets {@code rate_limited}; each is then closed. A closed socket frees its slot.
 */
@Integration
class ConnectionLimitsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RELEASE = Duration.ofSeconds(10);

  @Test
  void connectionsPerAddressAndPerNodeAreCapped() throws Exception {
    try (Node node =
            TestNodes.start(
                Map.of("parley.edge.max-connections-per-ip", 3, "parley.edge.max-connections", 5));
        Upgrades sockets = new Upgrades(node.httpAddress())) {
      for (int i = 0; i < 3; i++) sockets.open("127.0.0.1");

      String refused = sockets.refused("127.0.0.1");
      assertTrue(refused.contains("address"), refused);
      try (TcpClient tcp = new TcpClient(node.tcpAddress())) {
        JsonNode error = tcp.awaitType("error");
        assertEquals("unavailable", error.get("code").asText(), error.toString());
        assertTrue(error.get("message").asText().contains("address"), error.toString());
        tcp.awaitClose();
      }

      // Refused sockets that never send their head wait for it only up to a point: beyond one
      // address's worth of them, a refusal is answered at once.
      List<Socket> silent = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) silent.add(sockets.connectSilently("127.0.0.1"));
        try (Socket s = sockets.connectSilently("127.0.0.1")) {
          assertTrue(Upgrades.readHead(s).startsWith("HTTP/1.1 503"), "answered without a request");
        }
      } finally {
        for (Socket s : silent) s.close();
      }

      // Another address is under its own cap, until the node's 5 are taken.
      sockets.open("127.0.0.2");
      sockets.open("127.0.0.2");
      String nodeFull = sockets.refused("127.0.0.2");
      assertTrue(nodeFull.contains("node"), nodeFull);

      // A slot is free again once its socket is gone.
      sockets.closeOne("127.0.0.1");
      Await.until(
          () -> sockets.tryOpen("127.0.0.1"),
          opened -> opened,
          RELEASE,
          "an upgrade after one socket closed");
    }
  }

  @Test
  void aHeadThatNeverEndsIsResetAndAnUpgradedSocketOutlivesTheHeadTimeout() throws Exception {
    try (Node node = TestNodes.start(Map.of("parley.edge.request-head-timeout", "1s"))) {
      Api api = new Api(node.httpAddress());
      try (WsClient upgraded = api.phone(Ids.user("early"));
          Socket halfHead = new Socket()) {
        halfHead.connect(node.httpAddress());
        halfHead
            .getOutputStream()
            .write("GET /ws HTTP/1.1\r\nHost: parley\r\n".getBytes(StandardCharsets.US_ASCII));
        halfHead.setSoTimeout(20_000);
        int read;
        try {
          read = halfHead.getInputStream().read();
        } catch (SocketException reset) {
          read = -1;
        }
        assertEquals(-1, read, "the half head's connection ends, unanswered");
        // Upgraded before the half head came and so older than the head timeout: still served.
        upgraded.send(TestClient.frame("ping", "rid", "alive"));
        assertEquals("pong", upgraded.awaitReply("alive").get("type").asText());
      }
    }
  }

  @Test
  void socketsPerUserAreCappedAtHello() throws Exception {
    try (Node node = TestNodes.start(Map.of("parley.session.max-sockets-per-user", 2))) {
      Api api = new Api(node.httpAddress());
      String ann = Ids.user("ann");
      String token = api.registerAndLogin(ann);
      try (WsClient one = WsClient.json(node.httpAddress());
          WsClient two = WsClient.json(node.httpAddress());
          WsClient three = WsClient.json(node.httpAddress());
          TcpClient four = new TcpClient(node.tcpAddress())) {
        one.hello(token, "one", null);
        two.hello(token, "two", null);
        three.send(WsClient.frame("hello", "rid", "h3", "token", token, "device", "three"));
        assertEquals("rate_limited", three.awaitReply("h3").get("code").asText());
        three.awaitClose();
        four.send(TcpClient.frame("hello", "rid", "h4", "token", token, "device", "four"));
        assertEquals("rate_limited", four.awaitReply("h4").get("code").asText());
        four.awaitClose();

        // Other users are not affected.
        try (WsClient other = api.phone(Ids.user("other"))) {
          other.send(WsClient.frame("ping", "rid", "p"));
          assertEquals("pong", other.awaitReply("p").get("type").asText());
        }

        one.close();
        Await.until(
            () -> helloWelcomed(node, token), ok -> ok, RELEASE, "a hello after one socket closed");
      }
    }
  }

  private static boolean helloWelcomed(Node node, String token) throws Exception {
    try (WsClient again = WsClient.json(node.httpAddress())) {
      again.send(WsClient.frame("hello", "token", token, "device", "again"));
      JsonNode first = again.await(f -> true, "welcome or error");
      return "welcome".equals(first.get("type").asText());
    }
  }

  /** Raw upgrades from chosen loopback addresses (127.0.0.x all reach the node on Linux). */
  private static final class Upgrades implements AutoCloseable {
    private final InetSocketAddress node;
    private final List<Socket> open = new ArrayList<>();

    Upgrades(InetSocketAddress node) {
      this.node = node;
    }

    void open(String from) throws IOException {
      if (!tryOpen(from)) throw new AssertionError("upgrade from " + from + " refused");
    }

    boolean tryOpen(String from) throws IOException {
      Socket s = connect(from);
      String head = readHead(s);
      if (head.startsWith("HTTP/1.1 101")) {
        open.add(s);
        return true;
      }
      s.close();
      return false;
    }

    /** Expects a 503 with Retry-After, a JSON body, then the close; returns the body's message. */
    String refused(String from) throws IOException {
      try (Socket s = connect(from)) {
        String head = readHead(s);
        assertTrue(head.startsWith("HTTP/1.1 503"), head);
        assertTrue(head.toLowerCase().contains("\r\nretry-after: "), head);
        String length =
            head.lines()
                .filter(l -> l.toLowerCase().startsWith("content-length:"))
                .findFirst()
                .orElseThrow();
        byte[] body = new byte[Integer.parseInt(length.substring(length.indexOf(':') + 1).trim())];
        DataInputStream in = new DataInputStream(s.getInputStream());
        in.readFully(body);
        JsonNode json = JSON.readTree(body);
        assertEquals("unavailable", json.get("error").asText(), json.toString());
        assertTrue(closed(in), "closed after the 503");
        return json.get("message").asText();
      }
    }

    /** The end of the stream, or a reset (a refusal sent at once may close on unread bytes). */
    private static boolean closed(DataInputStream in) {
      try {
        return in.read() < 0;
      } catch (IOException reset) {
        return true;
      }
    }

    void closeOne(String from) throws IOException {
      for (Socket s : open) {
        if (s.getLocalAddress().getHostAddress().equals(from)) {
          s.close();
          open.remove(s);
          return;
        }
      }
    }

    private Socket connect(String from) throws IOException {
      Socket s = connectSilently(from);
      s.getOutputStream().write(RawWebSocket.upgradeRequest(node, "13"));
      return s;
    }

    /** Connected, nothing sent. */
    Socket connectSilently(String from) throws IOException {
      Socket s = new Socket();
      s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      s.connect(node, 10_000);
      s.setSoTimeout(30_000);
      return s;
    }

    static String readHead(Socket s) throws IOException {
      StringBuilder head = new StringBuilder();
      var in = s.getInputStream();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) throw new IOException("closed before a response head: " + head);
        head.append((char) b);
      }
      return head.toString();
    }

    @Override
    public void close() throws IOException {
      for (Socket s : open) s.close();
    }
  }
}
