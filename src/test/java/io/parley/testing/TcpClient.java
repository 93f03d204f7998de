package io.parley.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/** A real TCP client: 4-byte big-endian length + UTF-8 JSON frames, in plaintext or over TLS. */
public final class TcpClient extends TestClient {
  private final Socket socket;
  private final DataOutputStream out;

  public TcpClient(InetSocketAddress address) throws IOException {
    this(address, null);
  }

  /** Over TLS (TLSv1.3 or 1.2) if {@code tls} is not null, trusting its certificate. */
  public TcpClient(InetSocketAddress address, TestTls tls) throws IOException {
    if (tls == null) {
      this.socket = new Socket(address.getHostString(), address.getPort());
    } else {
      SSLSocket secure =
          (SSLSocket)
              tls.clientContext()
                  .getSocketFactory()
                  .createSocket(address.getHostString(), address.getPort());
      secure.setSSLParameters(TestTls.offering("TLSv1.3", "TLSv1.2"));
      secure.startHandshake();
      this.socket = secure;
    }
    this.out = new DataOutputStream(socket.getOutputStream());
    Thread reader = new Thread(this::readLoop, "tcp-client-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void readLoop() {
    try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
      while (true) {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        received(JSON.readTree(frame));
      }
    } catch (EOFException e) {
      closedWith(0);
    } catch (IOException e) {
      closedWith(-1);
    }
  }

  @Override
  protected void sendBytes(ObjectNode frame) throws Exception {
    sendRaw(JSON.writeValueAsString(frame));
  }

  @Override
  public void sendRaw(String text) throws IOException {
    sendRaw(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends bytes as one frame, whatever they are (for malformed UTF-8). */
  public synchronized void sendRaw(byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
  }

  /** Sends a length prefix alone (for framing tests). */
  public synchronized void sendPrefix(int length) throws IOException {
    out.writeInt(length);
    out.flush();
  }

  /** The TLS session, or null on a plaintext socket. */
  public SSLSession tlsSession() {
    return socket instanceof SSLSocket secure ? secure.getSession() : null;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
