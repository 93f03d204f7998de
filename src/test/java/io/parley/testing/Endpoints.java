package io.parley.testing;

import io.parley.node.Node;
import java.io.IOException;

/**
 * How a test's clients reach a node: its HTTP and TCP ports, in plaintext or, with {@code tls},
 * over TLS trusting that keystore's certificate. A test method that takes one from {@link
 * TestNodes} runs against the shared node, or the shared TLS node in a class marked {@link
 * OverTls}: the same test body over both.
 */
public record Endpoints(Node node, TestTls tls) {
  public static Endpoints plain(Node node) {
    return new Endpoints(node, null);
  }

  public Api api() {
    return new Api(node.httpAddress(), tls);
  }

  /** A WebSocket speaking parley.v1.json, nothing sent yet. */
  public WsClient json() throws Exception {
    return WsClient.json(node.httpAddress(), tls);
  }

  /** A WebSocket speaking parley.v1.cbor, nothing sent yet. */
  public WsClient cbor() throws Exception {
    return WsClient.cbor(node.httpAddress(), tls);
  }

  /** A raw TCP socket, its TLS handshake (if any) done, nothing sent yet. */
  public TcpClient tcp() throws IOException {
    return new TcpClient(node.tcpAddress(), tls);
  }
}
