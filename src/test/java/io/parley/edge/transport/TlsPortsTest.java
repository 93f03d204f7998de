package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.testing.ClientHello;
import io.parley.testing.Endpoints;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.OverTls;
import io.parley.testing.RawWebSocket;
import io.parley.testing.TcpClient;
import io.parley.testing.TestNodes;
import io.parley.testing.TestTls;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Both public ports of a node with TLS on (the shared TLS node): TLS 1.3 by default, 1.2 allowed,
 * 1.1 and 1.0 refused in the handshake, and a plaintext client shown the door. Everything above TLS
 * is the protocol as before.
 */
@Integration
@OverTls
@ExtendWith(TestNodes.class)
class TlsPortsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int READ_TIMEOUT_MS = 10_000;
  private final TestTls tls = TestTls.shared();

  @Test
  void tls13IsWhatRestWssAndTcpClientsGet(Endpoints node) throws Exception {
    String user = Ids.user("tls13");
    HttpClient https =
        HttpClient.newBuilder()
            .sslContext(tls.clientContext())
            .sslParameters(TestTls.offering("TLSv1.3"))
            .build();
    String base = "https://127.0.0.1:" + node.node().httpAddress().getPort() + "/api/v1";
    HttpResponse<String> registered =
        https.send(
            post(base + "/users", Map.of("user", user, "password", "password-" + user)),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(201, registered.statusCode(), registered.body());
    assertEquals("TLSv1.3", registered.sslSession().orElseThrow().getProtocol());
    // Browsers that reached the node over https keep to https (parley.edge.tls.hsts-max-age).
    assertEquals(
        List.of("max-age=31536000"), registered.headers().allValues("Strict-Transport-Security"));
    HttpResponse<String> login =
        https.send(
            post(base + "/sessions", Map.of("user", user, "password", "password-" + user)),
            HttpResponse.BodyHandlers.ofString());
    String token = JSON.readTree(login.body()).get("token").asText();

    // WSS: the upgrade and Parley's own framing, under TLS 1.3.
    try (SSLSocket socket = connect(node.node().httpAddress(), "TLSv1.3");
        RawWebSocket ws = new RawWebSocket(socket)) {
      assertEquals("TLSv1.3", socket.getSession().getProtocol());
      ws.write(RawWebSocket.upgradeRequest(node.node().httpAddress(), "13"));
      String head = ws.readHead();
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      String hello = "{\"type\":\"hello\",\"token\":\"" + token + "\",\"device\":\"wss\"}";
      ws.write(RawWebSocket.maskedFrame(1, hello.getBytes(StandardCharsets.UTF_8)));
      JsonNode welcome = JSON.readTree(ws.read().text());
      assertEquals("welcome", welcome.get("type").asText(), welcome.toString());
      assertEquals(user, welcome.get("user").asText());
    }

    // TCP: the JDK's client offers 1.3 and 1.2; the node picks 1.3.
    try (TcpClient tcp = node.tcp()) {
      assertEquals("TLSv1.3", tcp.tlsSession().getProtocol());
      assertEquals(user, tcp.hello(token, "tcp", null).get("user").asText());
    }
  }

  @Test
  void tls12IsStillAcceptedOnBothPorts(Endpoints node) throws Exception {
    try (SSLSocket http = connect(node.node().httpAddress(), "TLSv1.2")) {
      assertEquals("TLSv1.2", http.getSession().getProtocol());
      http.getOutputStream()
          .write(
              "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(http.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    }
    try (SSLSocket tcp = connect(node.node().tcpAddress(), "TLSv1.2")) {
      assertEquals("TLSv1.2", tcp.getSession().getProtocol());
      byte[] hello =
          "{\"type\":\"hello\",\"token\":\"not-a-token\",\"device\":\"d\"}"
              .getBytes(StandardCharsets.UTF_8);
      DataOutputStream out = new DataOutputStream(tcp.getOutputStream());
      out.writeInt(hello.length);
      out.write(hello);
      out.flush();
      DataInputStream in = new DataInputStream(tcp.getInputStream());
      byte[] frame = new byte[in.readInt()];
      in.readFully(frame);
      assertEquals("unauthorized", JSON.readTree(frame).get("code").asText());
    }
  }

  @Test
  void tls11AndTls10ClientHellosAreRefusedOnBothPorts(Endpoints node) throws Exception {
    for (InetSocketAddress port : List.of(node.node().httpAddress(), node.node().tcpAddress())) {
      // The same hello offering TLS 1.2 gets a ServerHello: the hello is well formed, and only
      // its version differs below.
      try (Socket socket = plainSocket(port)) {
        socket.getOutputStream().write(ClientHello.of(ClientHello.TLS_1_2));
        ClientHello.Record answer = ClientHello.read(socket.getInputStream());
        assertEquals(ClientHello.TLS_1_2, answer.serverHelloVersion(), answer.toString());
      }
      for (int old : List.of(ClientHello.TLS_1_1, ClientHello.TLS_1_0)) {
        try (Socket socket = plainSocket(port)) {
          socket.getOutputStream().write(ClientHello.of(old));
          ClientHello.Record answer = ClientHello.read(socket.getInputStream());
          assertTrue(
              answer.isAlert(ClientHello.PROTOCOL_VERSION),
              "version " + Integer.toHexString(old) + " on " + port + ": " + answer);
          readToEnd(socket.getInputStream()); // fails unless the node closes it after the alert
        }
      }
    }
  }

  @Test
  void aPlaintextClientOnATlsPortIsClosedUnansweredAndTheNodeServesOn(Endpoints node)
      throws Exception {
    try (Socket socket = plainSocket(node.node().httpAddress())) {
      socket
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] answer = readToEnd(socket.getInputStream());
      assertFalse(
          new String(answer, StandardCharsets.US_ASCII).contains("HTTP/"),
          "no HTTP answer in plaintext");
    }
    try (Socket socket = plainSocket(node.node().tcpAddress())) {
      byte[] hello = "{\"type\":\"ping\",\"rid\":\"p\"}".getBytes(StandardCharsets.UTF_8);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(hello.length);
      out.write(hello);
      out.flush();
      byte[] answer = readToEnd(socket.getInputStream());
      assertFalse(
          new String(answer, StandardCharsets.UTF_8).contains("pong"), "no frame in plaintext");
    }
    String user = Ids.user("after-plain");
    String token = node.api().registerAndLogin(user);
    try (TcpClient tcp = node.tcp()) {
      assertEquals(user, tcp.hello(token, "tcp", null).get("user").asText());
    }
  }

  private SSLSocket connect(InetSocketAddress address, String protocol) throws IOException {
    SSLSocket socket =
        (SSLSocket)
            tls.clientContext()
                .getSocketFactory()
                .createSocket(address.getHostString(), address.getPort());
    socket.setSSLParameters(TestTls.offering(protocol));
    socket.setSoTimeout(READ_TIMEOUT_MS);
    socket.startHandshake();
    return socket;
  }

  private static Socket plainSocket(InetSocketAddress address) throws IOException {
    Socket socket = new Socket(address.getHostString(), address.getPort());
    socket.setSoTimeout(READ_TIMEOUT_MS);
    return socket;
  }

  /** What arrives until the node closes the connection (a read timeout fails the test). */
  private static byte[] readToEnd(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    try {
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) all.write(chunk, 0, n);
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("still open after " + READ_TIMEOUT_MS + " ms", e);
    } catch (java.net.SocketException reset) {
      // ended by a reset
    }
    return all.toByteArray();
  }

  private static HttpRequest post(String uri, Map<String, String> body) throws Exception {
    return HttpRequest.newBuilder(URI.create(uri))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
        .build();
  }
}
