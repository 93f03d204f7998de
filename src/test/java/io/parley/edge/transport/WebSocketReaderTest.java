package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** Reading a client's frames from bytes, without a socket (WebSocketFramingTest has one). */
class WebSocketReaderTest {
  private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};

  @Test
  void aMaskedFrameSplitAnywhereIsReadWholeAndUnmasked() {
    ByteString frame = clientFrame(true, WebSocketFrames.TEXT, "hello");
    WebSocketReader reader = new WebSocketReader(1024, 16, frame.take(3));
    assertEquals(WebSocketReader.MORE, reader.next());
    reader.add(frame.drop(3).take(4));
    assertEquals(WebSocketReader.MORE, reader.next());
    reader.add(frame.drop(7));
    assertEquals(WebSocketReader.FRAME, reader.next());
    assertEquals(WebSocketFrames.TEXT, reader.opcode());
    assertArrayEquals(bytes("hello"), reader.takeMessage().bytes());
    assertEquals(WebSocketReader.MORE, reader.next());
  }

  @Test
  void fragmentsAreJoinedAndAMessageOverTheLimitIsOnlyCounted() {
    WebSocketReader reader =
        new WebSocketReader(
            8,
            3,
            clientFrame(false, WebSocketFrames.TEXT, "abc")
                .concat(clientFrame(true, WebSocketFrames.CONTINUATION, "def"))
                .concat(clientFrame(false, WebSocketFrames.BINARY, "12345"))
                .concat(clientFrame(true, WebSocketFrames.CONTINUATION, "6789")));
    assertEquals(WebSocketReader.FRAME, reader.next());
    assertNull(reader.takeMessage(), "not the last fragment");
    assertEquals(WebSocketReader.FRAME, reader.next());
    assertArrayEquals(bytes("abcdef"), reader.takeMessage().bytes());
    assertEquals(WebSocketReader.FRAME, reader.next());
    assertNull(reader.takeMessage());
    assertEquals(WebSocketReader.FRAME, reader.next());
    RawFrame tooLarge = reader.takeMessage();
    assertTrue(tooLarge.tooLarge());
    assertArrayEquals(bytes("123"), tooLarge.bytes(), "only its start, unmasked, for its rid");
  }

  @Test
  void anOversizedMessageKeepsItsStartAcrossFragmentsAndTheNextMessageIsWhole() {
    WebSocketReader reader =
        new WebSocketReader(
            8,
            4,
            clientFrame(false, WebSocketFrames.TEXT, "ab")
                .concat(clientFrame(false, WebSocketFrames.CONTINUATION, "cdef"))
                .concat(clientFrame(true, WebSocketFrames.CONTINUATION, "ghijklmn"))
                .concat(clientFrame(true, WebSocketFrames.TEXT, "ok")));
    assertEquals(WebSocketReader.FRAME, reader.next());
    assertNull(reader.takeMessage());
    assertEquals(WebSocketReader.FRAME, reader.next());
    assertNull(reader.takeMessage());
    assertEquals(WebSocketReader.FRAME, reader.next());
    RawFrame tooLarge = reader.takeMessage();
    assertTrue(tooLarge.tooLarge());
    assertArrayEquals(bytes("abcd"), tooLarge.bytes());
    assertEquals(WebSocketReader.FRAME, reader.next());
    RawFrame next = reader.takeMessage();
    assertFalse(next.tooLarge());
    assertArrayEquals(bytes("ok"), next.bytes());
  }

  @Test
  void aControlFrameBetweenFragmentsKeepsItsOwnPayload() {
    WebSocketReader reader =
        new WebSocketReader(
            64,
            16,
            clientFrame(false, WebSocketFrames.TEXT, "ab")
                .concat(clientFrame(true, WebSocketFrames.PING, "p"))
                .concat(clientFrame(true, WebSocketFrames.CONTINUATION, "cd")));
    assertEquals(WebSocketReader.FRAME, reader.next());
    assertNull(reader.takeMessage());
    assertEquals(WebSocketReader.FRAME, reader.next());
    assertEquals(WebSocketFrames.PING, reader.opcode());
    assertArrayEquals(bytes("p"), reader.takeControl());
    assertEquals(WebSocketReader.FRAME, reader.next());
    assertArrayEquals(bytes("abcd"), reader.takeMessage().bytes());
  }

  @Test
  void anUnmaskedFrameOrAStrayContinuationBreaksTheProtocol() {
    // Read as far as a masked header would reach, then refused.
    byte[] unmasked = {(byte) (0x80 | WebSocketFrames.TEXT), 5, 'h', 'e', 'l', 'l', 'o'};
    WebSocketReader reader = new WebSocketReader(64, 16, ByteString.fromArray(unmasked));
    assertEquals(WebSocketReader.BROKEN, reader.next());
    assertEquals("client frames must be masked", reader.problem());

    reader = new WebSocketReader(64, 16, clientFrame(true, WebSocketFrames.CONTINUATION, "x"));
    assertEquals(WebSocketReader.BROKEN, reader.next());
    assertEquals("continuation without a message", reader.problem());
  }

  /** A client frame of a short payload (under 126 bytes), masked with MASK. */
  private static ByteString clientFrame(boolean fin, int opcode, String payload) {
    byte[] p = bytes(payload);
    byte[] out = new byte[6 + p.length];
    out[0] = (byte) ((fin ? 0x80 : 0) | opcode);
    out[1] = (byte) (0x80 | p.length);
    System.arraycopy(MASK, 0, out, 2, 4);
    for (int i = 0; i < p.length; i++) out[6 + i] = (byte) (p[i] ^ MASK[i & 3]);
    return ByteString.fromArray(out);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
