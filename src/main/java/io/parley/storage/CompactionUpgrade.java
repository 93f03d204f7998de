package io.parley.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the journal and snapshot tables created by an older {@code schema.cql} today's compaction
 * setting ({@code CREATE TABLE IF NOT EXISTS} leaves an existing table as it was). Only the exact
 * value the older schema set is changed: a table an operator has tuned otherwise is left alone.
 */
final class CompactionUpgrade {
  private static final Logger log = LoggerFactory.getLogger(CompactionUpgrade.class);
  private static final String STCS = "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy";
  // What Cassandra reports for the older schema's plain {'class': 'SizeTieredCompactionStrategy'}.
  private static final Map<String, String> OLD =
      Map.of("class", STCS, "max_threshold", "32", "min_threshold", "4");
  // As in cassandra/schema.cql; why: there, and docs/benchmarks.md ("Compaction tiers").
  static final String COMPACTION =
      "{'class': 'SizeTieredCompactionStrategy', 'min_sstable_size': '1048576'}";
  static final List<String> TABLES = List.of("pekko.messages", "pekko_snapshot.snapshots");

  private CompactionUpgrade() {}

  /** Returns the tables it changed. */
  static List<String> apply(CqlSession session) {
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
        session.execute("ALTER TABLE " + table + " WITH compaction = " + COMPACTION);
        log.info(
            "{}: compaction min_sstable_size set to 1 MiB (was size-tiered's 50 MiB default,"
                + " which rewrote the young data many times over)",
            table);
        changed.add(table);
      }
    }
    return changed;
  }
}
