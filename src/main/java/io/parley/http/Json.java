package io.parley.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.protocol.ServerFrame;
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

  /**
   * A socket request's error as a REST answer: the same code in the body, under the HTTP status
   * that says it (docs/protocol.md section 7); {@code rate_limited} is a 429 with Retry-After.
   */
  static Route error(ServerFrame.Error e) {
    if ("rate_limited".equals(e.code())) return tooManyRequests(1, e.message());
    return error(status(e.code()), e.code(), e.message());
  }

  private static StatusCode status(String code) {
    return switch (code) {
      case "unauthorized" -> StatusCodes.UNAUTHORIZED;
      case "forbidden" -> StatusCodes.FORBIDDEN;
      case "not_found" -> StatusCodes.NOT_FOUND;
      case "conflict" -> StatusCodes.CONFLICT;
      case "too_large" -> StatusCodes.PAYLOAD_TOO_LARGE;
      case "unavailable" -> StatusCodes.SERVICE_UNAVAILABLE;
      case "internal" -> StatusCodes.INTERNAL_SERVER_ERROR;
      default -> StatusCodes.BAD_REQUEST;
    };
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
