package io.parley.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/** JSON responses; REST errors use the wire error codes of docs/protocol.md section 7. */
final class Json {
  private Json() {}

  static Route complete(StatusCode status, JsonNode body) {
    return Directives.complete(
        HttpResponse.create()
            .withStatus(status)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString())));
  }

  static Route error(StatusCode status, String code, String message) {
    return complete(status, errorBody(code, message));
  }

  /** 429 with Retry-After: the client may try again after that many seconds. */
  static Route tooManyRequests(long retryAfterSeconds, String message) {
    return Directives.complete(
        HttpResponse.create()
            .withStatus(StatusCodes.TOO_MANY_REQUESTS)
            .addHeader(RetryAfter.create(retryAfterSeconds))
            .withEntity(
                HttpEntities.create(
                    ContentTypes.APPLICATION_JSON, errorBody("rate_limited", message).toString())));
  }

  private static JsonNode errorBody(String code, String message) {
    return JsonNodeFactory.instance.objectNode().put("error", code).put("message", message);
  }
}
