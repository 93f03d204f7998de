package io.parley.notifications;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.parley.testing.TestTls;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;

/**
 * A push service for tests: a Pekko HTTP server on 127.0.0.1 speaking HTTP/2 over TLS (the test
 * certificate of {@link TestTls}), which records every request as it arrived and answers as the
 * test says. {@link #client()} is an HTTP client that trusts it.
 */
final class FakePushServer implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A request as the server saw it: header names lowercase, the body's bytes untouched. */
  record Received(
      String method, String path, String protocol, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() {
      return PushHttp.json(text());
    }
  }

  /** What to answer: a status, headers, a JSON body. */
  record Answer(int status, Map<String, String> headers, String body) {
    static Answer of(int status, String body) {
      return new Answer(status, Map.of(), body);
    }

    static Answer ok() {
      return of(200, "{}");
    }

    Answer with(String header, String value) {
      Map<String, String> more = new TreeMap<>(headers);
      more.put(header, value);
      return new Answer(status, more, body);
    }
  }

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private volatile Function<Received, CompletionStage<Answer>> answers =
      r -> CompletableFuture.completedFuture(Answer.ok());

  private FakePushServer() throws Exception {
    // Pekko's defaults and HTTP/2 only: Parley's application.conf would make this a cluster node.
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "fake-push",
            ConfigFactory.parseString(
                    "pekko.http.server.enable-http2 = on\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.defaultReference()));
    binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .enableHttps(ConnectionContext.httpsServer(serverContext()))
            .bind(this::handle)
            .toCompletableFuture()
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  static FakePushServer start() throws Exception {
    return new FakePushServer();
  }

  /** https://127.0.0.1:port */
  String url() {
    return "https://127.0.0.1:" + binding.localAddress().getPort();
  }

  /** Answers every request from now on with what {@code answer} makes of it. */
  void answer(Function<Received, Answer> answer) {
    answers = r -> CompletableFuture.completedFuture(answer.apply(r));
  }

  /** Answers every request from now on when the stage {@code answer} makes of it completes. */
  void answerLater(Function<Received, CompletionStage<Answer>> answer) {
    answers = answer;
  }

  /** The next request received, waiting for it up to 10 s. */
  Received take() throws InterruptedException {
    Received next = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertNotNull(next, "no request reached the fake push server");
    return next;
  }

  /** The requests received and not yet taken. */
  List<Received> drain() {
    List<Received> all = new ArrayList<>();
    received.drainTo(all);
    return all;
  }

  /** The node's client for providers (HTTP/2, its timeouts), trusting this server's certificate. */
  static HttpClient client() {
    return Providers.clientBuilder(PushFixtures.config(Map.of()))
        .sslContext(TestTls.shared().clientContext())
        .build();
  }

  /** A URL where nothing listens: a port bound for a moment, then freed. */
  static String nobodyListening() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "https://127.0.0.1:" + socket.getLocalPort();
    }
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    return request
        .entity()
        .toStrict(WAIT.toMillis(), Materializer.matFromSystem(system))
        .thenCompose(
            strict -> {
              Map<String, String> headers = new TreeMap<>();
              for (HttpHeader h : request.getHeaders()) headers.put(h.lowercaseName(), h.value());
              headers.put("content-type", strict.getContentType().toString());
              Received r =
                  new Received(
                      request.method().value(),
                      request.getUri().path(),
                      request.protocol().value(),
                      Map.copyOf(headers),
                      strict.getData().toArray());
              received.add(r);
              return answers.apply(r);
            })
        .thenApply(
            answer -> {
              HttpResponse response =
                  HttpResponse.create()
                      .withStatus(answer.status())
                      .withEntity(
                          HttpEntities.create(ContentTypes.APPLICATION_JSON, answer.body()));
              for (var h : answer.headers().entrySet()) {
                response = response.addHeader(RawHeader.create(h.getKey(), h.getValue()));
              }
              return response;
            });
  }

  private static SSLContext serverContext() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(TestTls.shared().keystore())) {
      store.load(in, TestTls.PASSWORD.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, TestTls.PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  @Override
  public void close() throws Exception {
    binding.terminate(WAIT).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
