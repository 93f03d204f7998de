package io.parley.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * Request bodies: a JSON object, or 400 with the project's error JSON. A body longer than
 * pekko.http.server.parsing.max-content-length is answered 413 (too_large) without being read.
 */
final class JsonBody {
  private static final RejectionHandler UNREADABLE =
      RejectionHandler.newBuilder()
          .handle(
              MalformedRequestContentRejection.class,
              r ->
                  r.getCause() instanceof EntityStreamSizeException
                      ? Json.error(
                          StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "request body too large")
                      : notAnObject())
          .build();

  private JsonBody() {}

  static Route object(ObjectMapper json, Function<JsonNode, Route> handler) {
    return Directives.handleRejections(UNREADABLE, () -> body(json, handler));
  }

  private static Route notAnObject() {
    return Json.error(StatusCodes.BAD_REQUEST, "bad_request", "body must be a JSON object");
  }

  private static Route body(ObjectMapper json, Function<JsonNode, Route> handler) {
    return Directives.entity(
        Unmarshaller.entityToString(),
        text -> {
          JsonNode node;
          try {
            node = json.readTree(text);
          } catch (Exception e) {
            node = null;
          }
          if (node == null || !node.isObject()) return notAnObject();
          return handler.apply(node);
        });
  }

  /** The field's text, or null when it is missing or not a string. */
  static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
