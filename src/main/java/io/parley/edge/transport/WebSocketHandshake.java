package io.parley.edge.transport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.util.ByteString;

/**
 * RFC 6455's opening handshake (section 4.2) for the case Parley answers itself: a connection whose
 * first request is a valid upgrade on {@code /ws}. Anything else, invalid upgrades included, is
 * left to Pekko HTTP, which answers it exactly as it always has.
 */
final class WebSocketHandshake {
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final byte[] PREFIX = "GET /ws".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

  private WebSocketHandshake() {}

  /** A valid upgrade: the subprotocol chosen (null: none), the accept key, the head's length. */
  record Upgrade(String subprotocol, String accept, int headLength) {
    /** The 101 answer, written before the socket's first frame. */
    ByteString response() {
      StringBuilder s =
          new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n")
              .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
              .append("Sec-WebSocket-Accept: ")
              .append(accept)
              .append("\r\n");
      if (subprotocol != null)
        s.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
      return ByteString.fromString(s.append("\r\n").toString(), StandardCharsets.US_ASCII);
    }
  }

  /**
   * Whether a connection's first bytes are enough to choose its server: they cannot be a {@code GET
   * /ws} request, or its head is complete, or longer than anyone sends. The blank line ending the
   * head is looked for from {@code searchFrom} on: the caller passes where its previous search
   * could not have missed it, so a head arriving in many small pieces is scanned once. The first
   * {@code length} bytes of {@code seen} are the connection's so far.
   */
  static boolean decidable(byte[] seen, int length, int searchFrom, int maxHeadBytes) {
    int n = Math.min(length, PREFIX.length);
    for (int i = 0; i < n; i++) if (seen[i] != PREFIX[i]) return true;
    return headEnd(seen, length, searchFrom) >= 0 || length > maxHeadBytes;
  }

  /** Where the next search for the head's end must start, after searching {@code length} bytes. */
  static int searchedUpTo(int length) {
    return Math.max(0, length - (HEAD_END.length - 1));
  }

  /** The upgrade these first bytes ask for, or null when Pekko HTTP should serve them. */
  static Upgrade parse(ByteString seen) {
    int end = headEnd(seen.toArrayUnsafe(), seen.size(), 0);
    if (end < 0) return null;
    String[] lines =
        seen.slice(0, end - HEAD_END.length)
            .decodeString(StandardCharsets.ISO_8859_1)
            .split("\r\n", -1);
    String[] requestLine = lines[0].split(" ", -1);
    if (requestLine.length != 3
        || !requestLine[0].equals("GET")
        || !requestLine[2].equals("HTTP/1.1")) return null;
    String target = requestLine[1];
    int query = target.indexOf('?');
    if (!(query < 0 ? target : target.substring(0, query)).equals("/ws")) return null;
    Map<String, List<String>> headers = headers(lines);
    if (headers == null || !headers.containsKey("host")) return null;
    if (!tokens(headers, "upgrade").contains("websocket")) return null;
    if (!tokens(headers, "connection").contains("upgrade")) return null;
    if (!List.of("13").equals(headers.get("sec-websocket-version"))) return null;
    // A body on the upgrade request would be read as frames: leave such oddities to Pekko. An
    // empty one is no body: Java's HttpClient sends "Content-Length: 0" with every upgrade, and
    // refusing it sent every Java client through Pekko HTTP's pipeline for its socket's life.
    List<String> length = headers.get("content-length");
    if ((length != null && !List.of("0").equals(length))
        || headers.containsKey("transfer-encoding")) return null;
    List<String> key = headers.get("sec-websocket-key");
    if (key == null || key.size() != 1 || !isNonce(key.get(0))) return null;
    List<String> offered = new ArrayList<>();
    for (String value : headers.getOrDefault("sec-websocket-protocol", List.of())) {
      for (String p : value.split(",")) if (!p.isBlank()) offered.add(p.trim());
    }
    return new Upgrade(WebSocketTransport.choose(offered), accept(key.get(0)), end);
  }

  /** Sec-WebSocket-Accept for a client's key. */
  static String accept(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1")
              .digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  /** The index just past the head's blank line, or -1 while it is incomplete. */
  private static int headEnd(byte[] seen, int length, int from) {
    outer:
    for (int i = from; i + HEAD_END.length <= length; i++) {
      for (int j = 0; j < HEAD_END.length; j++) if (seen[i + j] != HEAD_END[j]) continue outer;
      return i + HEAD_END.length;
    }
    return -1;
  }

  /** Header values by lower-case name; null for a line this simple reader will not guess at. */
  private static Map<String, List<String>> headers(String[] lines) {
    Map<String, List<String>> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      // Folded continuation lines and spaces before the colon: Pekko's parser decides those.
      if (colon <= 0
          || line.charAt(0) == ' '
          || line.charAt(0) == '\t'
          || line.charAt(colon - 1) == ' ') return null;
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      headers.computeIfAbsent(name, n -> new ArrayList<>()).add(line.substring(colon + 1).trim());
    }
    return headers;
  }

  /** The comma-separated tokens of a header, lower-cased. */
  private static List<String> tokens(Map<String, List<String>> headers, String name) {
    List<String> tokens = new ArrayList<>();
    for (String value : headers.getOrDefault(name, List.of())) {
      for (String t : value.split(",")) tokens.add(t.trim().toLowerCase(Locale.ROOT));
    }
    return tokens;
  }

  /** RFC 6455: the key is 16 random bytes, base64-encoded. */
  private static boolean isNonce(String key) {
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
