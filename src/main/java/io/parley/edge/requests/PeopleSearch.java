package io.parley.edge.requests;

import com.typesafe.config.Config;
import io.parley.edge.budgets.KeyedBudgets;
import io.parley.edge.budgets.RateLimiter;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.storage.PeopleTable;
import io.parley.user.Contacts;
import io.parley.user.PeopleProtocol;
import io.parley.user.UserEntity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Finding people by a prefix of their id or nickname (docs/protocol.md "Finding people"), for the
 * socket's {@code find_people} and {@code GET /api/v1/users?q=} alike: a page of the people
 * directory ({@link PeopleTable}), less the users who block the searcher or whom the searcher
 * blocks. Within a per-user budget. Holds no state but the budgets.
 */
public final class PeopleSearch {
  /** The settings of {@code parley.people}. */
  public record Settings(
      int minQueryChars,
      int maxQueryChars,
      int defaultLimit,
      int maxLimit,
      RateLimiter perUser,
      int maxKeys) {
    public static Settings from(Config config) {
      Config p = config.getConfig("parley.people");
      return new Settings(
          p.getInt("min-query-chars"),
          p.getInt("max-query-chars"),
          p.getInt("default-limit"),
          p.getInt("max-limit"),
          RateLimiter.from(p.getConfig("search"), ""),
          p.getInt("max-keys"));
    }
  }

  private final Settings settings;
  private final PeopleTable table;
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final KeyedBudgets<String> budgets;

  public PeopleSearch(
      Settings settings, PeopleTable table, ClusterSharding sharding, Duration askTimeout) {
    this.settings = settings;
    this.table = table;
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.budgets = new KeyedBudgets<>(settings.perUser(), settings.maxKeys());
  }

  /**
   * A page of the users {@code me} may find by {@code q}, or an error frame (with {@code rid}):
   * {@code bad_request} for a query out of bounds, {@code rate_limited}, {@code unavailable}.
   */
  public CompletionStage<ServerFrame> find(
      String me, String rid, String q, String cursor, Integer limit) {
    String prefix = PeopleTable.lower(q);
    int chars = prefix.codePointCount(0, prefix.length());
    if (chars < settings.minQueryChars() || chars > settings.maxQueryChars()) {
      return done(
          error(
              rid,
              ErrorCode.BAD_REQUEST,
              "q must be "
                  + settings.minQueryChars()
                  + "-"
                  + settings.maxQueryChars()
                  + " characters"));
    }
    int pageSize = limit == null ? settings.defaultLimit() : limit;
    if (pageSize < 1 || pageSize > settings.maxLimit()) {
      return done(error(rid, ErrorCode.BAD_REQUEST, "limit must be 1.." + settings.maxLimit()));
    }
    String[] after = cursor == null ? null : decode(cursor);
    if (cursor != null && after == null) {
      return done(error(rid, ErrorCode.BAD_REQUEST, "cursor is not one this server gave"));
    }
    long wait = budgets.take(me, System.nanoTime());
    if (wait > 0) {
      long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait));
      return done(
          error(rid, ErrorCode.RATE_LIMITED, "too many searches; retry in " + ms + " ms or later"));
    }
    // A cursor below the prefix (not one of ours) starts at the prefix: never outside it.
    boolean inRange = after != null && after[1].compareTo(prefix) >= 0;
    return user(me)
        .<Contacts.View>ask(UserEntity.GetContacts::new, askTimeout)
        .thenCompose(
            mine ->
                table
                    .find(prefix, inRange ? after[1] : null, inRange ? after[0] : null, pageSize)
                    .thenCompose(rows -> page(me, rid, prefix, rows, pageSize, mine)))
        .exceptionally(
            failure -> error(rid, ErrorCode.UNAVAILABLE, "search not answered in time; retry"));
  }

  private CompletionStage<ServerFrame> page(
      String me,
      String rid,
      String prefix,
      List<PeopleTable.Listing> rows,
      int pageSize,
      Contacts.View mine) {
    String next = rows.size() < pageSize ? null : encode(rows.get(rows.size() - 1));
    Set<String> blocked = Set.copyOf(mine.blocked());
    List<PeopleTable.Listing> candidates = new ArrayList<>();
    for (PeopleTable.Listing row : rows) {
      // A nickname row of a user whose id matches too: the id row lists them (on this page or
      // another), so each user is listed once.
      boolean nicknameRow = !row.name().equals(row.user());
      if (nicknameRow && row.user().startsWith(prefix)) continue;
      if (blocked.contains(row.user())) continue;
      candidates.add(row);
    }
    List<CompletableFuture<ServerFrame.Person>> kept =
        candidates.stream().map(row -> unlessBlocking(me, row).toCompletableFuture()).toList();
    return CompletableFuture.allOf(kept.toArray(CompletableFuture[]::new))
        .thenApply(
            all -> {
              List<ServerFrame.Person> people = new ArrayList<>();
              for (CompletableFuture<ServerFrame.Person> person : kept) {
                if (person.join() != null) people.add(person.join());
              }
              return new ServerFrame.People(rid, people, next);
            });
  }

  /**
   * The row's user, unless they block {@code me} (null then; also when their entity does not answer
   * in time: a block is never revealed by a slow answer).
   */
  private CompletionStage<ServerFrame.Person> unlessBlocking(String me, PeopleTable.Listing row) {
    ServerFrame.Person person = new ServerFrame.Person(row.user(), row.nickname());
    if (row.user().equals(me)) return done(person);
    return user(row.user())
        .<PeopleProtocol.Blocks>ask(
            replyTo -> new PeopleProtocol.BlocksUser(me, replyTo), askTimeout)
        .handle((answer, failure) -> failure == null && !answer.blocks() ? person : null);
  }

  /** A cursor: the last row read, as base64url of "user\nname" (ids hold no newline). */
  private static String encode(PeopleTable.Listing row) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((row.user() + "\n" + row.name()).getBytes(StandardCharsets.UTF_8));
  }

  /** {user, name}, or null for a string that is not a cursor. */
  private static String[] decode(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int newline = text.indexOf('\n');
      if (newline < 1 || newline == text.length() - 1) return null;
      return new String[] {text.substring(0, newline), text.substring(newline + 1)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<UserEntity.Command> user(
      String id) {
    return sharding.entityRefFor(UserEntity.ENTITY_KEY, id);
  }

  private static ServerFrame error(String rid, ErrorCode code, String message) {
    return ServerFrame.Error.of(rid, code, message);
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
