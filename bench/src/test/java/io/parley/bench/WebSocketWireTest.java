package io.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The load tool's own WebSocket client against a hand-written server on a real socket. */
class WebSocketWireTest {
  @Test
  void framesASocketCannotTakeAtOnceGoOutLaterInOrder() throws Exception {
    // 12 MB: more than loopback's socket buffers hold while nobody reads, in frames big enough
    // that the socket takes some of them only in part.
    int frames = 200;
    CompletableFuture<Void> allSent = new CompletableFuture<>();
    try (ServerSocket server = new ServerSocket();
        WebSocketWire wire = new WebSocketWire()) {
      // A small receive window that nobody drains until every send returned: the client must queue.
      server.setReceiveBufferSize(4096);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      CompletableFuture<String> serverSide =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = server.accept()) {
                  DataInputStream in =
                      new DataInputStream(new BufferedInputStream(s.getInputStream()));
                  OutputStream out = s.getOutputStream();
                  FakeUpgrade.answer(in, out);
                  // A server frame back, so the client's read path is exercised too.
                  out.write(new byte[] {(byte) 0x81, 2, 'h', 'i'});
                  out.flush();
                  // Read only once the client has had to queue: frames must arrive whole and in
                  // order.
                  allSent.get(60, TimeUnit.SECONDS);
                  for (int i = 0; i < frames; i++) {
                    String text = readMaskedText(in);
                    if (!text.equals(payload(i))) return "frame " + i + " was " + text;
                  }
                  return "ok";
                } catch (Exception e) {
                  return e.toString();
                }
              });
      CompletableFuture<String> greeting = new CompletableFuture<>();
      WebSocketWire.Socket socket =
          wire.open((InetSocketAddress) server.getLocalSocketAddress(), firstTextTo(greeting));
      for (int i = 0; i < frames; i++) assertTrue(socket.send(payload(i)));
      allSent.complete(null);
      assertEquals("hi", greeting.get(10, TimeUnit.SECONDS));
      assertEquals("ok", serverSide.get(60, TimeUnit.SECONDS));
      socket.close();
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(10) // without the handshake timeout the open would wait forever
  void anUpgradeNobodyAnswersFailsAfterTheHandshakeTimeout() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        WebSocketWire wire = new WebSocketWire(java.time.Duration.ofMillis(300))) {
      // Accepted by the backlog, never answered.
      java.io.IOException failed =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.io.IOException.class,
              () ->
                  wire.open(
                      (InetSocketAddress) server.getLocalSocketAddress(),
                      new WebSocketWire.Listener() {
                        @Override
                        public void onText(String text, long atNanos) {}

                        @Override
                        public void onClosed(int status) {}
                      }));
      assertTrue(
          failed.getMessage().contains("no answer to the upgrade within 300 ms"),
          failed.getMessage());
    }
  }

  @Test
  void aSocketOpenedWhileTheSelectorWaitsIsReadAtOnce() throws Exception {
    // The selector polls a new socket only from its next select(); with an hour between them,
    // only the wake-up on open lets the second socket's greeting through (the room scenario's
    // 5,000 hellos each waited for the old 500-ms select until early sockets timed out).
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        WebSocketWire wire =
            new WebSocketWire(WebSocketWire.HANDSHAKE_TIMEOUT, Duration.ofHours(1))) {
      List<Socket> accepted = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> greeter =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 2; i++) {
                  try {
                    Socket s = server.accept();
                    accepted.add(s);
                    OutputStream out = s.getOutputStream();
                    FakeUpgrade.answer(s.getInputStream(), out);
                    out.write(new byte[] {(byte) 0x81, 2, 'h', (byte) ('0' + i)});
                    out.flush();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
              });
      // The first greeting is read by a select() that is then entered again, waiting an hour.
      assertEquals("h0", greeting(wire, server).get(30, TimeUnit.SECONDS));
      assertEquals("h1", greeting(wire, server).get(30, TimeUnit.SECONDS));
      greeter.get(30, TimeUnit.SECONDS);
      for (Socket s : accepted) s.close();
    }
  }

  private static CompletableFuture<String> greeting(WebSocketWire wire, ServerSocket server)
      throws Exception {
    CompletableFuture<String> first = new CompletableFuture<>();
    wire.open((InetSocketAddress) server.getLocalSocketAddress(), firstTextTo(first));
    return first;
  }

  /** Completes with the socket's first text frame, or says that it closed first. */
  private static WebSocketWire.Listener firstTextTo(CompletableFuture<String> first) {
    return new WebSocketWire.Listener() {
      @Override
      public void onText(String text, long atNanos) {
        first.complete(text);
      }

      @Override
      public void onClosed(int status) {
        first.complete("closed " + status);
      }
    };
  }

  @Test
  void aFrameOf64KiBOrMoreCarriesItsWholeLength() throws Exception {
    // Past 16 bits of length RFC 6455 needs the 64-bit form; a 16-bit one would cut it short.
    String big = "{\"pad\":\"" + "y".repeat(70_000) + "\"}";
    java.nio.ByteBuffer encoded =
        WebSocketWire.maskedTextFrame(big.getBytes(StandardCharsets.UTF_8));
    byte[] frame = new byte[encoded.remaining()];
    encoded.get(frame);
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(frame));
    assertEquals(big, readMaskedText(in));
    assertEquals(0, in.available(), "nothing after the frame");
  }

  private static String payload(int i) {
    return "{\"type\":\"ping\",\"rid\":\"" + i + "\",\"pad\":\"" + "x".repeat(60_000) + "\"}";
  }

  private static String readMaskedText(DataInputStream in) throws Exception {
    int b0 = in.readUnsignedByte();
    if (b0 != 0x81) throw new AssertionError("not a final text frame: " + b0);
    int b1 = in.readUnsignedByte();
    if ((b1 & 0x80) == 0) throw new AssertionError("client frames must be masked");
    int len = b1 & 0x7F;
    if (len == 126) len = in.readUnsignedShort();
    else if (len == 127) len = Math.toIntExact(in.readLong());
    byte[] mask = new byte[4];
    in.readFully(mask);
    byte[] payload = new byte[len];
    in.readFully(payload);
    for (int i = 0; i < len; i++) payload[i] ^= mask[i & 3];
    return new String(payload, StandardCharsets.UTF_8);
  }
}
