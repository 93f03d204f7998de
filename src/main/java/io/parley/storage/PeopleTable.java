package io.parley.storage;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import io.parley.user.Directory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The people directory, {@code parley.people} (cassandra/schema.cql says why it is keyed so): the
 * user entities write it ({@link Directory}), searches read a prefix of it a page at a time.
 * Through the journal's Cassandra session, at the journal's consistency.
 */
public final class PeopleTable implements Directory {
  /** How many leading characters (code points) of a lowercased name pick its partition. */
  public static final int PREFIX_CHARS = 2;

  private static final String TABLE = "parley.people";

  private final CassandraSession session;
  private final String readProfile;
  private final String writeProfile;
  private final Statement insert =
      new Statement("INSERT INTO " + TABLE + " (prefix, name, user, nickname) VALUES (?, ?, ?, ?)");
  private final Statement delete =
      new Statement("DELETE FROM " + TABLE + " WHERE prefix = ? AND name = ? AND user = ?");
  private final Statement slice =
      new Statement(
          "SELECT name, user, nickname FROM "
              + TABLE
              + " WHERE prefix = ? AND (name, user) > (?, ?) AND (name) < (?) LIMIT ?");

  public PeopleTable(ActorSystem<?> system) {
    Config plugin = system.settings().config().getConfig("pekko.persistence.cassandra");
    this.session = CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra");
    this.readProfile = plugin.getString("query.read-profile");
    this.writeProfile = plugin.getString("write-profile");
  }

  /** One row of the directory: a user found under {@code name} (their id, or their nickname). */
  public record Listing(String name, String user, String nickname) {}

  /**
   * Up to {@code limit} rows whose name starts with {@code prefix} (lowercased, at least {@link
   * #PREFIX_CHARS} characters), in (name, user) order, after the row ({@code afterName}, {@code
   * afterUser}); null: from the first.
   */
  public CompletionStage<List<Listing>> find(
      String prefix, String afterName, String afterUser, int limit) {
    String from = afterName == null ? prefix : afterName;
    String to = successor(prefix);
    return slice
        .prepared()
        .thenCompose(
            statement ->
                session.selectAll(
                    statement
                        .bind(
                            partition(prefix), from, afterUser == null ? "" : afterUser, to, limit)
                        .setExecutionProfileName(readProfile)))
        .thenApply(
            rows -> {
              List<Listing> out = new ArrayList<>(rows.size());
              for (Row row : rows) {
                out.add(
                    new Listing(
                        row.getString("name"), row.getString("user"), row.getString("nickname")));
              }
              return out;
            });
  }

  @Override
  public CompletionStage<Done> relist(String user, String listed, String nickname) {
    Map<List<String>, Listing> old = rows(user, listed);
    Map<List<String>, Listing> now = rows(user, nickname);
    return insert
        .prepared()
        .thenCombine(delete.prepared(), (ins, del) -> batch(ins, del, old, now))
        .thenCompose(session::executeWriteBatch);
  }

  private BatchStatement batch(
      PreparedStatement ins,
      PreparedStatement del,
      Map<List<String>, Listing> old,
      Map<List<String>, Listing> now) {
    // Logged: the rows of a rename change together. A key both deleted and inserted in one batch
    // would be deleted (same timestamp: the tombstone wins), so only the rows that go are.
    BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.LOGGED);
    old.forEach(
        (key, row) -> {
          if (!now.containsKey(key))
            batch.addStatement(del.bind(key.get(0), row.name(), row.user()));
        });
    now.forEach(
        (key, row) ->
            batch.addStatement(ins.bind(key.get(0), row.name(), row.user(), row.nickname())));
    return batch.setExecutionProfileName(writeProfile).build();
  }

  /** The rows a user listed under {@code nickname} has (none for null), by primary key. */
  private static Map<List<String>, Listing> rows(String user, String nickname) {
    Map<List<String>, Listing> rows = new LinkedHashMap<>();
    if (nickname == null) return rows;
    for (String name : List.of(user, lower(nickname))) {
      rows.put(List.of(partition(name), name, user), new Listing(name, user, nickname));
    }
    return rows;
  }

  /** How names are compared: lowercased, the same for every locale. */
  public static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** A name's partition: its first {@link #PREFIX_CHARS} characters (whole code points). */
  static String partition(String name) {
    int count = name.codePointCount(0, name.length());
    return name.substring(0, name.offsetByCodePoints(0, Math.min(PREFIX_CHARS, count)));
  }

  /** The least string above every string that starts with {@code prefix} (not empty). */
  static String successor(String prefix) {
    int last = prefix.codePointBefore(prefix.length());
    int start = prefix.length() - Character.charCount(last);
    int next = last + 1;
    if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
      next = Character.MAX_SURROGATE + 1;
    }
    if (next > Character.MAX_CODE_POINT)
      return prefix + Character.toString(Character.MAX_CODE_POINT);
    return prefix.substring(0, start) + Character.toString(next);
  }

  /** One statement, prepared on first use and again after a failure (Cassandra not up yet). */
  private final class Statement {
    private final String cql;
    private volatile CompletionStage<PreparedStatement> prepared;

    Statement(String cql) {
      this.cql = cql;
    }

    CompletionStage<PreparedStatement> prepared() {
      CompletionStage<PreparedStatement> current = prepared;
      if (current == null || current.toCompletableFuture().isCompletedExceptionally()) {
        current = session.prepare(cql);
        prepared = current;
      }
      return current;
    }
  }
}
