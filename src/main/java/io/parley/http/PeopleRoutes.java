package io.parley.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.edge.requests.PeopleSearch;
import io.parley.protocol.ServerFrame;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/users?q=&cursor=&limit=} (Bearer token): finding people, as the socket's
 * {@code find_people} does ({@link PeopleSearch}); {@code {"users":[{user, nickname}], "cursor"}}.
 */
public final class PeopleRoutes extends AllDirectives {
  private final PeopleSearch search;
  private final Auth auth;
  private final ObjectMapper json;

  public PeopleRoutes(PeopleSearch search, Auth auth, ObjectMapper json) {
    this.search = search;
    this.auth = auth;
    this.json = json;
  }

  public Route routes() {
    return path(
        "users",
        () ->
            get(
                () ->
                    auth.authenticated(
                        claims ->
                            parameterOptional(
                                "q",
                                q ->
                                    parameterOptional(
                                        "cursor",
                                        cursor ->
                                            parameterOptional(
                                                "limit",
                                                limit ->
                                                    find(claims.user(), q, cursor, limit)))))));
  }

  private Route find(
      String me, Optional<String> q, Optional<String> cursor, Optional<String> limit) {
    if (q.isEmpty()) return Json.error(StatusCodes.BAD_REQUEST, "bad_request", "q is required");
    Integer pageSize = null;
    if (limit.isPresent()) {
      try {
        pageSize = Integer.valueOf(limit.get());
      } catch (NumberFormatException e) {
        return Json.error(StatusCodes.BAD_REQUEST, "bad_request", "limit must be a number");
      }
    }
    return onSuccess(
        search.find(me, null, q.get(), cursor.orElse(null), pageSize),
        reply -> {
          if (reply instanceof ServerFrame.People page) {
            var body = json.createObjectNode();
            body.set("users", json.valueToTree(page.users()));
            body.put("cursor", page.cursor());
            return Json.complete(StatusCodes.OK, body);
          }
          return Json.error((ServerFrame.Error) reply);
        });
  }
}
