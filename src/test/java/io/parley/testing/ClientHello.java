package io.parley.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

/**
 * A TLS ClientHello written out byte by byte (RFC 5246 7.4.1.2, RFC 8446 4.1.2), so a test can
 * offer what the JDK's own client refuses to (TLS 1.1, TLS 1.0) and read the server's first record
 * as it is. Offers ECDHE with AES-GCM and AES-CBC and the P-256 and X25519 groups.
 */
public final class ClientHello {
  public static final int TLS_1_0 = 0x0301;
  public static final int TLS_1_1 = 0x0302;
  public static final int TLS_1_2 = 0x0303;

  /** Content types of the record layer. */
  public static final int ALERT = 21;

  public static final int HANDSHAKE = 22;

  /** The alert for a version the server will not speak. */
  public static final int PROTOCOL_VERSION = 70;

  private ClientHello() {}

  /** One record holding a ClientHello of a client that speaks at most {@code version}. */
  public static byte[] of(int version) {
    ByteArrayOutputStream hello = new ByteArrayOutputStream();
    put16(hello, version);
    byte[] random = new byte[32];
    new Random().nextBytes(random);
    hello.writeBytes(random);
    hello.write(0); // no session id
    int[] suites = {0xC02B, 0xC02F, 0xC009, 0xC013, 0x002F};
    put16(hello, suites.length * 2);
    for (int suite : suites) put16(hello, suite);
    hello.write(1); // one compression method: none
    hello.write(0);
    ByteArrayOutputStream extensions = new ByteArrayOutputStream();
    extension(extensions, 0x000a, new byte[] {0, 4, 0x00, 0x17, 0x00, 0x1d}); // supported_groups
    extension(extensions, 0x000b, new byte[] {1, 0}); // ec_point_formats: uncompressed
    // signature_algorithms: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256
    extension(extensions, 0x000d, new byte[] {0, 6, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01});
    put16(hello, extensions.size());
    hello.writeBytes(extensions.toByteArray());

    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write(HANDSHAKE);
    put16(record, TLS_1_0); // the record version clients use in a first hello
    put16(record, 4 + hello.size());
    record.write(1); // client_hello
    record.write(hello.size() >>> 16);
    put16(record, hello.size() & 0xFFFF);
    record.writeBytes(hello.toByteArray());
    return record.toByteArray();
  }

  /** The server's first record: its content type and body. */
  public record Record(int type, byte[] body) {
    public boolean isAlert(int description) {
      return type == ALERT && body.length == 2 && body[0] == 2 && body[1] == description;
    }

    /** For a handshake record holding a ServerHello: the version it chose. */
    public int serverHelloVersion() {
      if (type != HANDSHAKE || body[0] != 2) throw new AssertionError("not a ServerHello: " + this);
      return ((body[4] & 0xFF) << 8) | (body[5] & 0xFF);
    }

    @Override
    public String toString() {
      return "record type " + type + ", " + body.length + " bytes, starting " + hex(body, 8);
    }
  }

  public static Record read(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    int type = in.readUnsignedByte();
    in.readUnsignedShort();
    byte[] body = new byte[in.readUnsignedShort()];
    in.readFully(body);
    return new Record(type, body);
  }

  private static void extension(ByteArrayOutputStream out, int type, byte[] data) {
    put16(out, type);
    put16(out, data.length);
    out.writeBytes(data);
  }

  private static void put16(ByteArrayOutputStream out, int value) {
    out.write(value >>> 8);
    out.write(value & 0xFF);
  }

  private static String hex(byte[] bytes, int max) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(max, bytes.length); i++) s.append(String.format("%02x", bytes[i]));
    return s.toString();
  }
}
