package io.parley.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/** JSON responses; REST errors use the wire error codes of PROTOCOL.md section 7. */
final class Json {
  private Json() {}

  static Route complete(StatusCode status, JsonNode body) {
    return Directives.complete(
        HttpResponse.create()
            .withStatus(status)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString())));
  }

  static Route error(StatusCode status, String code, String message) {
    var body =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
            .objectNode()
            .put("error", code)
            .put("message", message);
    return complete(status, body);
  }
}
