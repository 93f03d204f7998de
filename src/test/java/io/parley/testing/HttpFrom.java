package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client whose requests come from a chosen loopback address (any of 127.0.0.0/8
 * on Linux), so that tests of per-address budgets each have addresses of their own. One connection
 * per request ({@code Connection: close}).
 */
public final class HttpFrom {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TIMEOUT_MS = 30_000;

  private final String from;
  private final InetSocketAddress to;

  public HttpFrom(String from, InetSocketAddress to) {
    this.from = from;
    this.to = to;
  }

  /** Header names are lower case; body is null when empty or not JSON. */
  public record Response(int status, Map<String, String> headers, JsonNode body) {}

  public Response post(String path, Map<String, String> body) throws Exception {
    return request("POST", path, JSON.writeValueAsString(body), null);
  }

  public Response get(String path, String token) throws Exception {
    return request("GET", path, null, token);
  }

  public Response request(String method, String path, String body, String token) throws Exception {
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head =
        new StringBuilder(method + " " + path + " HTTP/1.1\r\n")
            .append("Host: ")
            .append(to.getHostString())
            .append("\r\n")
            .append("Connection: close\r\n");
    if (token != null) head.append("Authorization: Bearer ").append(token).append("\r\n");
    if (body != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ")
          .append(content.length)
          .append("\r\n");
    }
    head.append("\r\n");
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(TIMEOUT_MS);
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(to, TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(content);
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    }
  }

  private static Response parse(byte[] raw) throws Exception {
    String text = new String(raw, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) throw new AssertionError("no HTTP response head in: " + text);
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).strip().toLowerCase(),
          lines[i].substring(colon + 1).strip());
    }
    String body = text.substring(end + 4);
    JsonNode json;
    try {
      json = body.isEmpty() ? null : JSON.readTree(body);
    } catch (Exception notJson) {
      json = null;
    }
    return new Response(status, headers, json);
  }

  /** For error messages: where the requests come from. */
  @Override
  public String toString() {
    return "HTTP from " + from;
  }
}
