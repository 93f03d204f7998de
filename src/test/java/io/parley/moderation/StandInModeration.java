package io.parley.moderation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A moderation service for tests, on 127.0.0.1: rejects bodies with "spam", replaces bodies with
 * "shout" by their upper case, holds bodies with "hold" until {@link #release} (or 10 s), never
 * answers bodies with "hang" in time, and allows the rest. Records every request it gets.
 */
final class StandInModeration implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<JsonNode> requests = new ArrayList<>();
  private final List<String> authorizations = new ArrayList<>();
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch hanging = new CountDownLatch(1);

  StandInModeration() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(threads);
    server.createContext("/moderate", this::answer);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/moderate";
  }

  synchronized List<JsonNode> requests() {
    return List.copyOf(requests);
  }

  synchronized List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  /** Lets the held bodies be answered. */
  void release() {
    held.countDown();
  }

  private void answer(HttpExchange exchange) throws IOException {
    JsonNode request = JSON.readTree(exchange.getRequestBody());
    synchronized (this) {
      requests.add(request);
      authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    }
    String body = request.path("body").asText();
    try {
      if (body.contains("hold")) held.await(10, TimeUnit.SECONDS);
      if (body.contains("hang")) hanging.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String verdict;
    if (body.contains("spam")) verdict = "{\"verdict\":\"reject\"}";
    else if (body.contains("shout"))
      verdict =
          JSON.createObjectNode()
              .put("verdict", "replace")
              .put("body", body.toUpperCase(Locale.ROOT))
              .toString();
    else verdict = "{\"verdict\":\"allow\"}";
    byte[] bytes = verdict.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    try {
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
    } catch (IOException gone) {
      // The node gave up waiting: nothing to answer.
    }
    exchange.close();
  }

  @Override
  public void close() {
    held.countDown();
    hanging.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
