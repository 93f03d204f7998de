package io.parley.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * A node's TLS keystore for tests, made as an operator (or {@code ./parley run --tls}) would: the
 * JDK's keytool, an EC P-256 key, a self-signed certificate for localhost and 127.0.0.1. Clients
 * made from it trust that certificate and nothing else.
 */
public final class TestTls {
  public static final String PASSWORD = "test-keystore-password";
  private static TestTls shared;

  private final Path keystore;
  private final X509Certificate certificate;
  private SSLContext client;

  private TestTls(Path keystore, X509Certificate certificate) {
    this.keystore = keystore;
    this.certificate = certificate;
  }

  /** One keystore for the whole test run (made once: keytool takes about a second). */
  public static synchronized TestTls shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("parley-tls");
        dir.toFile().deleteOnExit();
        shared = create(dir.resolve("node.p12"), "parley-test-node");
        shared.keystore.toFile().deleteOnExit();
      } catch (Exception e) {
        throw new IllegalStateException("could not make the test keystore", e);
      }
    }
    return shared;
  }

  /** A new keystore at {@code file} (replaced if there) whose certificate's CN is {@code name}. */
  public static TestTls create(Path file, String name) throws Exception {
    Files.deleteIfExists(file);
    keytool(
        "-genkeypair",
        "-alias",
        "parley",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + name,
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-validity",
        "30",
        "-storetype",
        "PKCS12",
        "-keystore",
        file.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    return new TestTls(file, (X509Certificate) load(file).getCertificate("parley"));
  }

  /** For clients only: trusting the PEM certificate in {@code pem} (no keystore to serve). */
  public static TestTls trusting(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return new TestTls(
          null,
          (X509Certificate)
              java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
  }

  public static void keytool(String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool " + command + " failed:\n" + output);
    }
  }

  private static KeyStore load(Path file) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
  }

  public Path keystore() {
    return keystore;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The node settings that turn TLS on with this keystore. */
  public Map<String, Object> nodeSettings() {
    return Map.of(
        "parley.edge.tls.enabled",
        true,
        "parley.edge.tls.keystore",
        keystore.toString(),
        "parley.edge.tls.keystore-password",
        PASSWORD);
  }

  /** A client context that trusts this certificate only. */
  public synchronized SSLContext clientContext() {
    if (client != null) return client;
    try {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("parley", certificate);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      client = context;
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Client parameters offering only {@code protocols} (and checking the server's name). */
  public static SSLParameters offering(String... protocols) {
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(protocols);
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    return parameters;
  }

  /** Writes a file of bytes that are no keystore at all. */
  public static void corrupt(Path file) throws IOException {
    Files.writeString(file, "not a keystore");
  }
}
