package io.parley.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal and snapshot tables made by an older schema.cql get today's compaction setting when
 * the schema is applied, and a table an operator tuned otherwise keeps its own (real Cassandra).
 */
@Integration
class SchemaUpgradeTest {
  private static final String SCRATCH = "parley_schema_upgrade_test";
  private static final String OLD_DEFAULT = "{'class': 'SizeTieredCompactionStrategy'}";
  private static CassandraSettings cassandra;
  private static CqlSession session;

  @BeforeAll
  static void connect() {
    cassandra = CassandraSettings.from(TestNodes.config(Map.of()));
    Schema.apply(cassandra, Duration.ofSeconds(60));
    session = CassandraSessions.open(cassandra, Duration.ofSeconds(60));
  }

  // Before as well as after: each test starts from what schema.cql creates, even if an earlier
  // run against the same Cassandra stopped halfway.
  @BeforeEach
  @AfterEach
  void restore() {
    CompactionUpgrade.compactions(Schema.statements(cassandra.replication()))
        .forEach(
            (table, compaction) ->
                session.execute("ALTER TABLE " + table + " WITH compaction = " + compaction));
  }

  /** The tables schema.cql sets a compaction for: the journal's and the snapshots'. */
  private static List<String> tables() {
    return List.copyOf(
        CompactionUpgrade.compactions(Schema.statements(cassandra.replication())).keySet());
  }

  @Test
  void schemaCqlSetsTheCompactionOfTheJournalAndSnapshotTables() {
    assertEquals(List.of("pekko.messages", "pekko_snapshot.snapshots"), tables());
  }

  @AfterAll
  static void close() {
    session.execute("DROP KEYSPACE IF EXISTS " + SCRATCH);
    session.close();
  }

  @Test
  void tablesWithTheOldDefaultGetWhatSchemaCqlCreatesToday() {
    for (String table : tables()) {
      session.execute("ALTER TABLE " + table + " WITH compaction = " + OLD_DEFAULT);
      assertFalse(compaction(table).containsKey("min_sstable_size"), table);
    }

    Schema.apply(cassandra, Duration.ofSeconds(60));

    for (String table : tables()) {
      assertEquals(createdBySchemaCql(table), compaction(table), table);
      assertEquals("1048576", compaction(table).get("min_sstable_size"), table);
    }
  }

  @Test
  void aTableTunedOtherwiseIsLeftAsItIs() {
    session.execute(
        "ALTER TABLE pekko.messages WITH compaction ="
            + " {'class': 'SizeTieredCompactionStrategy', 'min_threshold': '8'}");
    session.execute("ALTER TABLE pekko_snapshot.snapshots WITH compaction = " + OLD_DEFAULT);

    assertEquals(
        List.of("pekko_snapshot.snapshots"),
        CompactionUpgrade.apply(session, Schema.statements(cassandra.replication())));

    Map<String, String> tuned = compaction("pekko.messages");
    assertEquals("8", tuned.get("min_threshold"));
    assertFalse(tuned.containsKey("min_sstable_size"));
  }

  @Test
  void applyingTheSchemaAgainChangesNothing() {
    Schema.apply(cassandra, Duration.ofSeconds(60));
    for (String table : tables()) {
      assertTrue(compaction(table).containsKey("min_sstable_size"), table);
    }
    assertEquals(
        List.of(), CompactionUpgrade.apply(session, Schema.statements(cassandra.replication())));
  }

  /** The table's compaction exactly as schema.cql's CREATE makes it, in a scratch keyspace. */
  private static Map<String, String> createdBySchemaCql(String table) {
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS "
            + SCRATCH
            + " WITH REPLICATION = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    String scratch = SCRATCH + "." + table.replace('.', '_');
    session.execute("DROP TABLE IF EXISTS " + scratch);
    String create =
        Schema.statements(cassandra.replication()).stream()
            .filter(s -> s.startsWith("CREATE TABLE IF NOT EXISTS " + table + " "))
            .findFirst()
            .orElseThrow();
    session.execute(create.replace(table, scratch));
    return compaction(scratch);
  }

  private static Map<String, String> compaction(String table) {
    String[] name = table.split("\\.");
    return session
        .execute(
            "SELECT compaction FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
            name[0],
            name[1])
        .one()
        .getMap("compaction", String.class, String.class);
  }
}
