package io.parley.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the journal and snapshot tables created by an older {@code schema.cql} the compaction
 * that schema.cql sets today ({@code CREATE TABLE IF NOT EXISTS} leaves an existing table as it
 * was; why the setting: schema.cql and docs/benchmarks.md, "Compaction tiers"). Only the exact
 * value the older schema set is changed: a table an operator has tuned otherwise is left alone.
 */
final class CompactionUpgrade {
  private static final Logger log = LoggerFactory.getLogger(CompactionUpgrade.class);
  // What Cassandra reports for the older schema's plain {'class': 'SizeTieredCompactionStrategy'}.
  private static final Map<String, String> OLD =
      Map.of(
          "class", "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
          "max_threshold", "32",
          "min_threshold", "4");
  private static final Pattern COMPACTION = Pattern.compile("compaction = (\\{[^}]*})");
  static final List<String> TABLES = List.of("pekko.messages", "pekko_snapshot.snapshots");

  private CompactionUpgrade() {}

  /** Returns the tables it changed; {@code statements} are schema.cql's. */
  static List<String> apply(CqlSession session, List<String> statements) {
    List<String> changed = new ArrayList<>();
    for (String table : TABLES) {
      String[] name = table.split("\\.");
      Row row =
          session
              .execute(
                  "SELECT compaction FROM system_schema.tables"
                      + " WHERE keyspace_name = ? AND table_name = ?",
                  name[0],
                  name[1])
              .one();
      if (row != null && OLD.equals(row.getMap("compaction", String.class, String.class))) {
        String compaction = compactionIn(statements, table);
        session.execute("ALTER TABLE " + table + " WITH compaction = " + compaction);
        log.info("{}: compaction set to {} (was size-tiered's defaults)", table, compaction);
        changed.add(table);
      }
    }
    return changed;
  }

  /** The compaction clause of the table's CREATE in schema.cql. */
  static String compactionIn(List<String> statements, String table) {
    for (String statement : statements) {
      if (!statement.startsWith("CREATE TABLE IF NOT EXISTS " + table + " ")) continue;
      Matcher m = COMPACTION.matcher(statement);
      if (m.find()) return m.group(1);
    }
    throw new IllegalStateException("schema.cql sets no compaction for " + table);
  }
}
