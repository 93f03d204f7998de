package io.parley.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.user.UserEntity;
import io.parley.user.UserId;
import java.time.Duration;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/users/{id}} ({user, nickname, avatar}; and findable, for the caller's own) and
 * {@code PATCH /api/v1/me} ({nickname?, avatar?, findable?}; an avatar of null or "" clears it).
 * Bearer token required. Validation here; the user entity stores.
 */
public final class ProfileRoutes extends AllDirectives {
  private final ClusterSharding sharding;
  private final Auth auth;
  private final Duration askTimeout;
  private final ObjectMapper json;
  private final int avatarMaxChars;

  public ProfileRoutes(
      ClusterSharding sharding,
      Auth auth,
      Duration askTimeout,
      ObjectMapper json,
      int avatarMaxChars) {
    this.sharding = sharding;
    this.auth = auth;
    this.askTimeout = askTimeout;
    this.json = json;
    this.avatarMaxChars = avatarMaxChars;
  }

  public Route routes() {
    return concat(
        pathPrefix(
            "users",
            () ->
                path(
                    PathMatchers.segment(),
                    id -> get(() -> auth.authenticated(claims -> profile(claims.user(), id))))),
        path(
            "me",
            () ->
                patch(
                    () ->
                        auth.authenticated(
                            claims ->
                                JsonBody.object(json, body -> update(claims.user(), body))))));
  }

  private Route profile(String me, String id) {
    if (!UserId.isValid(id)) return notFound();
    return onSuccess(
        sharding
            .entityRefFor(UserEntity.ENTITY_KEY, id)
            .<UserEntity.Profile>ask(UserEntity.GetProfile::new, askTimeout),
        profile -> profile.exists() ? reply(id, profile, id.equals(me)) : notFound());
  }

  private Route update(String me, JsonNode body) {
    String nickname = null;
    if (body.has("nickname")) {
      nickname = JsonBody.text(body, "nickname");
      if (!ProfileFields.validNickname(nickname))
        return badRequest(
            "nickname must be 1-" + ProfileFields.MAX_NICKNAME + " chars of well-formed text");
    }
    String avatar = null;
    if (body.has("avatar")) {
      JsonNode value = body.get("avatar");
      // The entity takes "" as "clear"; null means "leave as is".
      avatar = value.isNull() ? "" : JsonBody.text(body, "avatar");
      if (avatar == null
          || (!avatar.isEmpty() && !ProfileFields.validAvatar(avatar, avatarMaxChars)))
        return badRequest(
            "avatar must be an absolute http(s) URL of at most "
                + avatarMaxChars
                + " chars, or null");
    }
    Boolean findable = null;
    if (body.has("findable")) {
      if (!body.get("findable").isBoolean()) return badRequest("findable must be true or false");
      findable = body.get("findable").booleanValue();
    }
    String newNickname = nickname;
    String newAvatar = avatar;
    Boolean newFindable = findable;
    return onSuccess(
        sharding
            .entityRefFor(UserEntity.ENTITY_KEY, me)
            .<UserEntity.Profile>ask(
                replyTo ->
                    new UserEntity.UpdateProfile(newNickname, newAvatar, newFindable, replyTo),
                askTimeout),
        profile -> profile.exists() ? reply(me, profile, true) : notFound());
  }

  /** {@code own}: the caller's own profile, which also says whether search finds them. */
  private Route reply(String id, UserEntity.Profile profile, boolean own) {
    var out = json.createObjectNode().put("user", id).put("nickname", profile.nickname());
    out.put("avatar", profile.avatar());
    if (own) out.put("findable", profile.findable());
    return Json.complete(StatusCodes.OK, out);
  }

  private static Route notFound() {
    return Json.error(StatusCodes.NOT_FOUND, "not_found", "no such user");
  }

  private static Route badRequest(String message) {
    return Json.error(StatusCodes.BAD_REQUEST, "bad_request", message);
  }
}
