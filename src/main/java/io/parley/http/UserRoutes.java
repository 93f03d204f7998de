package io.parley.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.auth.Passwords;
import io.parley.auth.Tokens;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.Text;
import io.parley.user.UserEntity;
import io.parley.user.UserId;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/v1/users} (register), {@code POST /api/v1/sessions} (log in) and {@code DELETE
 * /api/v1/sessions[?device=]} (log out: revokes the Bearer token of the request, and the push
 * registration of that device). No business logic here: validation of the request, then the user
 * entity decides.
 */
public final class UserRoutes extends AllDirectives {
  private static final int MIN_PASSWORD = 8;
  private static final int MAX_PASSWORD = 256;

  private final ClusterSharding sharding;
  private final Passwords passwords;
  private final Tokens tokens;
  private final Auth auth;
  private final Duration askTimeout;
  private final Executor hashing;
  private final ObjectMapper json;
  private final RestBudgets budgets;
  private final KnownUsers knownUsers;
  // Verified against when the user does not exist, so both failures take as long.
  private final String decoyHash;

  public UserRoutes(
      ActorSystem<?> system,
      Passwords passwords,
      Tokens tokens,
      Auth auth,
      Duration askTimeout,
      ObjectMapper json,
      RestBudgets budgets,
      KnownUsers knownUsers) {
    this.sharding = ClusterSharding.get(system);
    this.passwords = passwords;
    this.tokens = tokens;
    this.auth = auth;
    this.askTimeout = askTimeout;
    this.json = json;
    this.budgets = budgets;
    this.knownUsers = knownUsers;
    this.hashing =
        system.dispatchers().lookup(DispatcherSelector.fromConfig("parley.auth.hash-dispatcher"));
    this.decoyHash = passwords.hash("decoy-password-for-unknown-users");
  }

  public Route routes() {
    return concat(
        path(
            "users",
            () ->
                post(
                    () ->
                        budgets.registerFromAddress(() -> JsonBody.object(json, this::register)))),
        path(
            "sessions",
            () ->
                concat(
                    post(() -> budgets.loginFromAddress(() -> JsonBody.object(json, this::login))),
                    delete(
                        () ->
                            auth.authenticated(
                                claims ->
                                    parameterOptional(
                                        "device",
                                        device -> logout(claims, device.orElse(null))))))));
  }

  private Route register(JsonNode body) {
    String user = text(body, "user");
    String password = text(body, "password");
    String nickname = body.hasNonNull("nickname") ? text(body, "nickname") : user;
    if (!UserId.isValid(user))
      return Json.error(
          StatusCodes.BAD_REQUEST, "bad_request", "user must be 3-32 chars of [a-z0-9_.-]");
    // A lone surrogate would be hashed as "?": refused, so no two passwords share a hash that way.
    if (password == null
        || password.length() < MIN_PASSWORD
        || password.length() > MAX_PASSWORD
        || !Text.wellFormed(password))
      return Json.error(
          StatusCodes.BAD_REQUEST,
          "bad_request",
          "password must be 8-256 chars of well-formed text");
    if (!ProfileFields.validNickname(nickname))
      return Json.error(
          StatusCodes.BAD_REQUEST,
          "bad_request",
          "nickname must be 1-64 chars of well-formed text");
    return budgets.registerAs(user, () -> register(user, password, nickname));
  }

  private Route register(String user, String password, String nickname) {
    CompletionStage<UserEntity.RegisterReply> registered =
        CompletableFuture.supplyAsync(() -> passwords.hash(password), hashing)
            .thenCompose(
                hash ->
                    user(user)
                        .<UserEntity.RegisterReply>ask(
                            replyTo -> new UserEntity.Register(hash, nickname, replyTo),
                            askTimeout));
    return onSuccess(
        registered,
        reply -> {
          knownUsers.registered(user);
          if (reply == UserEntity.RegisterReply.TAKEN)
            return Json.error(StatusCodes.CONFLICT, "conflict", "user id is taken");
          ObjectNode out = json.createObjectNode().put("user", user).put("nickname", nickname);
          return Json.complete(StatusCodes.CREATED, out);
        });
  }

  private Route login(JsonNode body) {
    String user = text(body, "user");
    String password = text(body, "password");
    if (!UserId.isValid(user) || password == null || password.length() > MAX_PASSWORD)
      return wrongCredentials();
    return budgets.loginAs(
        user,
        () ->
            onComplete(
                knownUsers
                    .exists(user)
                    .toCompletableFuture()
                    .orTimeout(askTimeout.toMillis(), TimeUnit.MILLISECONDS),
                known -> {
                  if (known.isFailure()) {
                    return Json.error(
                        StatusCodes.SERVICE_UNAVAILABLE,
                        "unavailable",
                        "could not check the user; retry");
                  }
                  // Answered at once: user ids are no secret (registration answers 409 for a
                  // taken one), and hashing a decoy here would let unknown ids use up the
                  // hashing threads.
                  return known.get() ? login(user, password) : wrongCredentials();
                }));
  }

  private Route login(String user, String password) {
    CompletionStage<Boolean> verified =
        user(user)
            .<UserEntity.Credentials>ask(UserEntity.GetCredentials::new, askTimeout)
            .thenCompose(
                creds ->
                    CompletableFuture.supplyAsync(
                        () ->
                            creds.passwordHash() == null
                                ? decoyVerify(password)
                                : passwords.verify(password, creds.passwordHash()),
                        hashing));
    return onSuccess(
        verified,
        ok -> {
          if (!ok) return wrongCredentials();
          Tokens.Issued issued = tokens.issue(user);
          ObjectNode out =
              json.createObjectNode()
                  .put("token", issued.token())
                  .put("expires_at", issued.expiresAt().toEpochMilli())
                  .put("user", user);
          return Json.complete(StatusCodes.OK, out);
        });
  }

  /**
   * Revokes this token (its sessions close); it stays revoked until it would have expired. The push
   * registrations of its devices go too: {@code device} (the query's, may be null), and those the
   * user entity knows used the token.
   */
  private Route logout(Tokens.Claims claims, String device) {
    if (device != null && !ClientFrame.validDevice(device))
      return Json.error(StatusCodes.BAD_REQUEST, "bad_request", ClientFrame.DEVICE_RULE);
    return onSuccess(
        user(claims.user())
            .<Done>ask(
                replyTo ->
                    new UserEntity.RevokeToken(
                        claims.tokenId(), claims.expiresAt().toEpochMilli(), device, replyTo),
                askTimeout),
        done -> complete(StatusCodes.NO_CONTENT));
  }

  private static Route wrongCredentials() {
    return Json.error(StatusCodes.UNAUTHORIZED, "unauthorized", "wrong user or password");
  }

  /** Spends the same time as a real check, then fails: unknown users look like wrong passwords. */
  private boolean decoyVerify(String password) {
    passwords.verify(password, decoyHash);
    return false;
  }

  private EntityRef<UserEntity.Command> user(String id) {
    return sharding.entityRefFor(UserEntity.ENTITY_KEY, id);
  }

  private static String text(JsonNode body, String field) {
    return JsonBody.text(body, field);
  }
}
