package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.node.Node;
import io.parley.testing.Await;
import io.parley.testing.ClientHello;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TcpClient;
import io.parley.testing.TestClient;
import io.parley.testing.TestNodes;
import io.parley.testing.TestTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TLS handshake under the edge's budgets, on a node of its own: a socket that never finishes
 * its handshake (silent, half a ClientHello, one record that never completes) is closed by the
 * handshake timeout on both ports, and its connection slot freed; a renewed keystore serves new
 * connections while open ones go on.
 */
@Integration
class TlsLimitsTest {
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);
  // Below Netty's own default (10 s) and far below the other timeouts set here (60 s): a socket
  // closed within it was closed by the handshake timeout.
  private static final Duration CLOSED_WITHIN = Duration.ofSeconds(7);
  private static final int PER_ADDRESS = 36;

  private static Path dir;
  private static TestTls first;
  private static Node node;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("parley-tls-limits");
    first = TestTls.create(dir.resolve("node.p12"), "first");
    Map<String, Object> settings = new HashMap<>(first.nodeSettings());
    settings.put("parley.edge.tls.handshake-timeout", HANDSHAKE_TIMEOUT.toMillis() + "ms");
    settings.put("parley.edge.tls.reload-check-interval", "100ms");
    settings.put("parley.edge.request-head-timeout", "60s");
    settings.put("parley.session.hello-timeout", "60s");
    settings.put("parley.edge.max-connections-per-ip", PER_ADDRESS);
    node = TestNodes.start(settings);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
  }

  @Test
  void socketsThatNeverFinishTheHandshakeAreClosedByItsTimeoutAndFreeTheirSlots() throws Exception {
    byte[] hello = ClientHello.of(ClientHello.TLS_1_2);
    // A record header announcing the largest record TLS allows, and half of it.
    byte[] halfRecord = new byte[5 + 8 * 1024];
    halfRecord[0] = ClientHello.HANDSHAKE;
    halfRecord[1] = 3;
    halfRecord[2] = 1;
    halfRecord[3] = 0x40;
    List<byte[]> openings =
        List.of(new byte[0], Arrays.copyOf(hello, hello.length / 2), halfRecord);
    // Every slot this address has, on both ports.
    List<Socket> stuck = new ArrayList<>();
    List<Long> opened = new ArrayList<>();
    try {
      for (int i = 0; i < PER_ADDRESS; i++) {
        InetSocketAddress port = i % 2 == 0 ? node.httpAddress() : node.tcpAddress();
        Socket socket = new Socket(port.getHostString(), port.getPort());
        socket.setSoTimeout((int) CLOSED_WITHIN.toMillis());
        socket.getOutputStream().write(openings.get(i % openings.size()));
        stuck.add(socket);
        opened.add(System.nanoTime());
      }
      for (int i = 0; i < stuck.size(); i++) {
        awaitEnd(stuck.get(i), "socket " + i);
        long after = System.nanoTime() - opened.get(i);
        assertTrue(
            after >= HANDSHAKE_TIMEOUT.toNanos() / 2,
            "socket " + i + " closed after " + after / 1_000_000 + " ms, not by the timeout");
      }
    } finally {
      for (Socket socket : stuck) socket.close();
    }

    // Their slots are free again: the address's every slot takes a TLS client that says hello.
    String token = registerAndLogin(Ids.user("after-stuck"));
    Await.until(
        () -> allSayHello(token),
        "all"::equals,
        Duration.ofSeconds(10),
        PER_ADDRESS + " TLS clients from one address");
  }

  @Test
  void aRenewedKeystoreServesNewConnectionsWhileOpenOnesGoOn() throws Exception {
    String token = registerAndLogin(Ids.user("renewal"));
    Path live = first.keystore();
    Path kept =
        Files.copy(live, dir.resolve("first-kept.p12"), StandardCopyOption.REPLACE_EXISTING);
    try (TcpClient before = new TcpClient(node.tcpAddress(), first)) {
      before.hello(token, "before", null);
      assertEquals(first.certificate(), presented(node.tcpAddress()));

      // Renewed as docs/operations.md says: written beside the live file, moved over it.
      TestTls renewed = TestTls.create(dir.resolve("renewed.p12"), "renewed");
      Files.move(
          renewed.keystore(),
          live,
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      for (InetSocketAddress port : List.of(node.tcpAddress(), node.httpAddress())) {
        Await.until(
            () -> presented(port),
            renewed.certificate()::equals,
            Duration.ofSeconds(10),
            "the renewed certificate on " + port);
      }
      // Opened under the first certificate, still served.
      before.send(TestClient.frame("ping", "rid", "still"));
      assertEquals("pong", before.awaitReply("still").get("type").asText());
    } finally {
      // Back to the first, for the other test's clients (which trust only it).
      Files.move(kept, live, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Await.until(
          () -> presented(node.tcpAddress()),
          first.certificate()::equals,
          Duration.ofSeconds(10),
          "the first certificate again");
    }
  }

  /**
   * Registers {@code user} and returns a token, over connections that end with their answers: a
   * client's kept-alive connection (Api's HttpClient keeps one until it is garbage-collected) would
   * hold one of the address's slots into the other test, which needs them all.
   */
  private static String registerAndLogin(String user) throws Exception {
    String login = "{\"user\":\"" + user + "\",\"password\":\"password-" + user + "\"}";
    postOnce("/api/v1/users", login);
    return JSON.readTree(postOnce("/api/v1/sessions", login)).get("token").asText();
  }

  /** POSTs JSON over a TLS connection of its own that ends with the answer; returns the body. */
  private static String postOnce(String path, String json) throws Exception {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    InetSocketAddress http = node.httpAddress();
    try (SSLSocket socket =
        (SSLSocket)
            first
                .clientContext()
                .getSocketFactory()
                .createSocket(http.getHostString(), http.getPort())) {
      socket.setSoTimeout(10_000);
      String head =
          "POST "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Content-Length: "
              + body.length
              + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 20"), path + ": " + answer);
      return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }
  }

  /** "all" when every slot of the address took a client that said hello; else why not. */
  private static String allSayHello(String token) {
    List<TcpClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < PER_ADDRESS; i++) {
        TcpClient client = new TcpClient(node.tcpAddress(), first);
        clients.add(client);
        client.hello(token, "slot-" + i, null);
      }
      return "all";
    } catch (Exception | AssertionError refused) {
      return "client " + clients.size() + ": " + refused;
    } finally {
      for (TcpClient client : clients) {
        try {
          client.close();
        } catch (IOException ignored) {
          // closing
        }
      }
    }
  }

  /** Reads until the node closes the socket; fails if it is still open after CLOSED_WITHIN. */
  private static void awaitEnd(Socket socket, String what) throws IOException {
    byte[] chunk = new byte[1024];
    try {
      while (socket.getInputStream().read(chunk) >= 0) {
        // a TLS alert, if any, then the end
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError(what + " still open after " + CLOSED_WITHIN, e);
    } catch (SocketException reset) {
      // ended by a reset
    }
  }

  /** The certificate a new connection to {@code port} is shown (trusting any). */
  private static X509Certificate presented(InetSocketAddress port) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new AnyCertificate()}, null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket(port.getHostString(), port.getPort())) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /** Trusts every server: this test only asks which certificate it is shown. */
  private static final class AnyCertificate implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
