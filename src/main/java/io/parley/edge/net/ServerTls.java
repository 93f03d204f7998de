package io.parley.edge.net;

import com.typesafe.config.Config;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS on the edge's public ports: the node's key and certificate from a PKCS12 keystore, and an
 * {@link SslHandler} made from them first in each accepted socket's pipeline, so that everything
 * above it (the first-request sniffing, Parley's WebSocket framing, Pekko HTTP, raw TCP framing)
 * reads and writes plaintext exactly as on a plaintext port.
 *
 * <p>The keystore file is looked at now and then ({@link #reloadIfChanged}): a changed one serves
 * the connections opened after it loaded, so a certificate is renewed without a restart.
 */
public final class ServerTls {
  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
  private static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");
  private static final String CONFIG = "parley.edge.tls";

  /** {@code parley.edge.tls}: conf/application.conf says what each one bounds. */
  public record Settings(
      Path keystore,
      String password,
      List<String> protocols,
      List<String> cipherSuites,
      Duration handshakeTimeout,
      Duration reloadCheckInterval) {

    /** The settings, or empty when TLS is off. */
    public static Optional<Settings> from(Config config) {
      Config tls = config.getConfig(CONFIG);
      if (!tls.getBoolean("enabled")) return Optional.empty();
      String keystore = tls.getString("keystore");
      if (keystore.isBlank()) {
        throw new IllegalArgumentException(
            CONFIG + ".enabled is on but " + CONFIG + ".keystore (PARLEY_TLS_KEYSTORE) is empty");
      }
      return Optional.of(
          new Settings(
              Path.of(keystore),
              tls.getString("keystore-password"),
              list(tls.getString("protocols")),
              list(tls.getString("cipher-suites")),
              tls.getDuration("handshake-timeout"),
              tls.getDuration("reload-check-interval")));
    }

    private static List<String> list(String commaSeparated) {
      return Arrays.stream(commaSeparated.split(","))
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .toList();
    }
  }

  // What identifies one version of the keystore file: a replaced or rewritten file differs in one.
  private record FileVersion(FileTime modified, long size, Object key) {}

  private final Settings settings;
  private volatile Read current;
  // The file version last tried, loaded or not: a file that did not load is tried again only
  // once it changes.
  private FileVersion tried;

  private ServerTls(Settings settings) {
    this.settings = settings;
  }

  /** Loads the keystore; fails (the node does not start) if it or the settings are unusable. */
  public static ServerTls load(Settings settings) throws IOException, GeneralSecurityException {
    List<String> refused = new ArrayList<>(settings.protocols());
    refused.removeAll(ALLOWED_PROTOCOLS);
    if (settings.protocols().isEmpty() || !refused.isEmpty()) {
      throw new IllegalArgumentException(
          CONFIG + ".protocols must be TLSv1.3 and/or TLSv1.2, not " + settings.protocols());
    }
    ServerTls tls = new ServerTls(settings);
    try {
      tls.use(version(settings.keystore()), tls.read());
    } catch (IOException e) {
      throw new IOException("TLS keystore " + settings.keystore() + " cannot be read: " + e, e);
    }
    return tls;
  }

  /** The handler for one accepted socket, under the keystore loaded last. */
  SslHandler newHandler() {
    Read read = current;
    SSLEngine engine = read.context().createSSLEngine();
    engine.setUseClientMode(false);
    engine.setSSLParameters(read.parameters());
    SslHandler handler = new SslHandler(engine);
    handler.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
    return handler;
  }

  /** The certificate new connections are served with. */
  X509Certificate certificate() {
    return current.leaf();
  }

  /**
   * Loads the keystore again if its file changed since it was last tried; true if a new one now
   * serves new connections. A keystore that does not load is logged and the previous one stays.
   */
  public synchronized boolean reloadIfChanged() {
    FileVersion version;
    try {
      version = version(settings.keystore());
    } catch (IOException e) {
      log.warn(
          "TLS keystore {} unreadable, keeping the one loaded: {}",
          settings.keystore(),
          e.toString());
      return false;
    }
    if (version.equals(tried)) return false;
    tried = version;
    try {
      use(version, read());
      return true;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      log.warn(
          "TLS keystore {} changed but does not load, keeping the one loaded: {}",
          settings.keystore(),
          e.toString());
      return false;
    }
  }

  /** Checks the keystore file every reload-check-interval, off the sockets' threads. */
  void watch(ActorSystem<?> system) {
    Duration every = settings.reloadCheckInterval();
    system
        .scheduler()
        .scheduleWithFixedDelay(
            every,
            every,
            this::reloadIfChanged,
            system.dispatchers().lookup(DispatcherSelector.blocking()));
  }

  private record Read(SSLContext context, SSLParameters parameters, X509Certificate leaf) {}

  private Read read() throws IOException, GeneralSecurityException {
    char[] password = settings.password().toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(settings.keystore())) {
      store.load(in, password);
    }
    X509Certificate leaf = null;
    for (String alias : Collections.list(store.aliases())) {
      if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate c) {
        leaf = c;
        break;
      }
    }
    if (leaf == null) {
      throw new GeneralSecurityException(
          "TLS keystore " + settings.keystore() + " holds no private key with a certificate");
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
    List<String> unknown = new ArrayList<>(settings.cipherSuites());
    unknown.removeAll(supported);
    if (settings.cipherSuites().isEmpty() || !unknown.isEmpty()) {
      throw new IllegalArgumentException(
          CONFIG + ".cipher-suites: none given, or unknown to this JDK: " + unknown);
    }
    SSLParameters parameters =
        new SSLParameters(
            settings.cipherSuites().toArray(String[]::new),
            settings.protocols().toArray(String[]::new));
    parameters.setUseCipherSuitesOrder(true);
    return new Read(context, parameters, leaf);
  }

  private synchronized void use(FileVersion version, Read read) {
    tried = version;
    current = read;
    X509Certificate leaf = read.leaf();
    log.info(
        "TLS on the public ports ({}) with {}, valid until {}",
        String.join(", ", settings.protocols()),
        leaf.getSubjectX500Principal().getName(),
        leaf.getNotAfter().toInstant());
    if (leaf.getNotAfter().toInstant().isBefore(java.time.Instant.now())) {
      log.warn("The TLS certificate in {} has expired", settings.keystore());
    }
  }

  private static FileVersion version(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return new FileVersion(
        attributes.lastModifiedTime(),
        attributes.size(),
        Objects.requireNonNullElse(attributes.fileKey(), ""));
  }
}
