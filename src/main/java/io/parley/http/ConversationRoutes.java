package io.parley.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.edge.requests.Requests;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/conversations} (most recent first, with unread and the last entry) and {@code
 * GET /api/v1/conversations/{conv}/messages?before=&limit=}. Bearer token required.
 */
public final class ConversationRoutes extends AllDirectives {
  private final Requests requests;
  private final Auth auth;
  private final ObjectMapper json;
  private final int defaultLimit;
  private final int maxLimit;

  public ConversationRoutes(
      Requests requests, Auth auth, ObjectMapper json, int defaultLimit, int maxLimit) {
    this.requests = requests;
    this.auth = auth;
    this.json = json;
    this.defaultLimit = defaultLimit;
    this.maxLimit = maxLimit;
  }

  public Route routes() {
    return pathPrefix(
        "conversations",
        () ->
            auth.authenticated(
                claims -> {
                  String user = claims.user();
                  return concat(
                      pathEnd(() -> get(() -> list(user))),
                      pathPrefix(
                          PathMatchers.segment(),
                          conv -> path("messages", () -> get(() -> messages(user, conv)))));
                }));
  }

  private Route list(String user) {
    return onSuccess(
        requests.conversations(user),
        views -> {
          ArrayNode list = json.createArrayNode();
          for (Requests.ConversationView view : views) {
            ObjectNode item = json.valueToTree(view.state());
            item.remove("type");
            if (view.last() != null) item.set("last", json.valueToTree(view.last()));
            list.add(item);
          }
          return Json.complete(StatusCodes.OK, json.createObjectNode().set("conversations", list));
        });
  }

  private Route messages(String user, String conv) {
    return parameterOptional(
        "before",
        before ->
            parameterOptional(
                "limit",
                limit -> {
                  Long beforeSeq;
                  int size;
                  try {
                    beforeSeq = before.map(Long::parseLong).orElse(null);
                    size = limit.map(Integer::parseInt).orElse(defaultLimit);
                  } catch (NumberFormatException e) {
                    return Json.error(
                        StatusCodes.BAD_REQUEST, "bad_request", "before and limit must be numbers");
                  }
                  if (size < 1 || size > maxLimit || (beforeSeq != null && beforeSeq < 0)) {
                    return Json.error(
                        StatusCodes.BAD_REQUEST, "bad_request", "limit must be 1.." + maxLimit);
                  }
                  var request = new ClientFrame.History(null, conv, beforeSeq, null, size);
                  return onSuccess(requests.history(user, request), frame -> page(frame));
                }));
  }

  private Route page(ServerFrame frame) {
    if (frame instanceof ServerFrame.Error e) return Json.error(e);
    ObjectNode body = json.valueToTree(frame);
    body.remove("type");
    return Json.complete(StatusCodes.OK, body);
  }
}
