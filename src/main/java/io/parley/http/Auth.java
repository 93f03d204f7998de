package io.parley.http;

import io.parley.auth.Tokens;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The Bearer-token check of every authenticated REST call: signature and expiry (any node can check
 * those alone), then revocation, which only the user's entity knows (logout). Missing, invalid,
 * expired or revoked: 401. If the user entity does not answer in time: 503, never a pass. Each
 * user's requests draw from their REST budget (checked before the entity is asked).
 */
public final class Auth {
  private static final String BEARER = "Bearer ";

  private final Tokens tokens;
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final RestBudgets budgets;

  public Auth(Tokens tokens, ClusterSharding sharding, Duration askTimeout, RestBudgets budgets) {
    this.tokens = tokens;
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.budgets = budgets;
  }

  public Route authenticated(Function<Tokens.Claims, Route> inner) {
    return Directives.optionalHeaderValueByName(
        "Authorization",
        header -> {
          Optional<Tokens.Claims> claims =
              header
                  .filter(h -> h.startsWith(BEARER))
                  .flatMap(h -> tokens.claims(h.substring(BEARER.length()).strip()));
          if (claims.isEmpty()) return unauthorized("a valid Bearer token is required");
          return budgets.perUser(claims.get().user(), () -> checkRevocation(claims.get(), inner));
        });
  }

  private Route checkRevocation(Tokens.Claims claims, Function<Tokens.Claims, Route> inner) {
    return Directives.onComplete(
        sharding
            .entityRefFor(UserEntity.ENTITY_KEY, claims.user())
            .<UserEntity.TokenStatus>ask(
                replyTo -> new UserEntity.CheckToken(claims.tokenId(), replyTo), askTimeout),
        status -> {
          if (status.isFailure()) {
            return Json.error(
                StatusCodes.SERVICE_UNAVAILABLE, "unavailable", "could not check the token; retry");
          }
          if (status.get().revoked()) return unauthorized("this token was revoked (logged out)");
          return inner.apply(claims);
        });
  }

  private static Route unauthorized(String message) {
    return Json.error(StatusCodes.UNAUTHORIZED, "unauthorized", message);
  }
}
