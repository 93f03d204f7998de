package io.parley.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the tables created by an older {@code schema.cql} the compaction that schema.cql sets today
 * ({@code CREATE TABLE IF NOT EXISTS} leaves an existing table as it was; why the setting:
 * schema.cql and docs/benchmarks.md, "Compaction tiers"). The tables and their clauses are read
 * from schema.cql itself. Only the exact value the older schema set is changed: a table an operator
 * has tuned otherwise is left alone.
 */
final class CompactionUpgrade {
  private static final Logger log = LoggerFactory.getLogger(CompactionUpgrade.class);
  // What Cassandra reports for the older schema's plain {'class': 'SizeTieredCompactionStrategy'}.
  private static final Map<String, String> OLD =
      Map.of(
          "class", "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
          "max_threshold", "32",
          "min_threshold", "4");
  private static final Pattern CREATE_TABLE =
      Pattern.compile("^CREATE TABLE IF NOT EXISTS (\\S+) ");
  private static final Pattern COMPACTION = Pattern.compile("compaction = (\\{[^}]*})");

  private CompactionUpgrade() {}

  /** Returns the tables it changed; {@code statements} are schema.cql's. */
  static List<String> apply(CqlSession session, List<String> statements) {
    List<String> changed = new ArrayList<>();
    compactions(statements)
        .forEach(
            (table, compaction) -> {
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
                session.execute("ALTER TABLE " + table + " WITH compaction = " + compaction);
                log.info(
                    "{}: compaction set to {} (was size-tiered's defaults)", table, compaction);
                changed.add(table);
              }
            });
    return changed;
  }

  /** Each table whose CREATE in schema.cql sets a compaction, with that clause, in file order. */
  static Map<String, String> compactions(List<String> statements) {
    Map<String, String> clauses = new LinkedHashMap<>();
    for (String statement : statements) {
      Matcher create = CREATE_TABLE.matcher(statement);
      Matcher compaction = COMPACTION.matcher(statement);
      if (create.find() && compaction.find()) clauses.put(create.group(1), compaction.group(1));
    }
    return clauses;
  }
}
