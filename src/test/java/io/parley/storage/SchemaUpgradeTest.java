package io.parley.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.testing.TestNodes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A journal table made by an older schema.cql gets today's compaction setting when the schema is
 * applied, and a table an operator tuned otherwise keeps its own (real Cassandra).
 */
class SchemaUpgradeTest {
  private static final String SCRATCH = "parley_schema_upgrade_test";
  private static CassandraSettings cassandra;
  private static CqlSession session;

  @BeforeAll
  static void connect() {
    cassandra =
        new CassandraSettings(
            List.of(TestNodes.cassandra()),
            "datacenter1",
            "{'class': 'NetworkTopologyStrategy', 'datacenter1': 1}",
            true);
    Schema.apply(cassandra, Duration.ofSeconds(60));
    session =
        CqlSession.builder()
            .addContactPoint(Schema.address(TestNodes.cassandra()))
            .withLocalDatacenter("datacenter1")
            .build();
  }

  @AfterEach
  void restore() {
    session.execute(
        "ALTER TABLE pekko.messages WITH compaction = " + CompactionUpgrade.MESSAGES_COMPACTION);
  }

  @AfterAll
  static void close() {
    session.execute("DROP KEYSPACE IF EXISTS " + SCRATCH);
    session.close();
  }

  @Test
  void aJournalTableWithTheOldDefaultGetsWhatSchemaCqlCreatesToday() {
    session.execute("ALTER TABLE pekko.messages WITH compaction = {'class': 'SizeTieredCompactionStrategy'}");
    assertFalse(compaction("pekko", "messages").containsKey("min_sstable_size"));

    Schema.apply(cassandra, Duration.ofSeconds(60));

    assertEquals(createdBySchemaCql(), compaction("pekko", "messages"));
    assertEquals("1048576", compaction("pekko", "messages").get("min_sstable_size"));
  }

  @Test
  void aJournalTableTunedOtherwiseIsLeftAsItIs() {
    session.execute(
        "ALTER TABLE pekko.messages WITH compaction ="
            + " {'class': 'SizeTieredCompactionStrategy', 'min_threshold': '8'}");

    Schema.apply(cassandra, Duration.ofSeconds(60));

    Map<String, String> after = compaction("pekko", "messages");
    assertEquals("8", after.get("min_threshold"));
    assertFalse(after.containsKey("min_sstable_size"));
  }

  @Test
  void applyingTheSchemaAgainChangesNothing() {
    Schema.apply(cassandra, Duration.ofSeconds(60));
    assertTrue(compaction("pekko", "messages").containsKey("min_sstable_size"));
    assertFalse(CompactionUpgrade.apply(session));
  }

  /** The messages table's compaction exactly as schema.cql's CREATE makes it, in a scratch keyspace. */
  private static Map<String, String> createdBySchemaCql() {
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS " + SCRATCH
            + " WITH REPLICATION = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    session.execute("DROP TABLE IF EXISTS " + SCRATCH + ".messages");
    String create =
        Schema.statements(cassandra.replication()).stream()
            .filter(s -> s.startsWith("CREATE TABLE IF NOT EXISTS pekko.messages"))
            .findFirst()
            .orElseThrow();
    session.execute(create.replace("pekko.messages", SCRATCH + ".messages"));
    return compaction(SCRATCH, "messages");
  }

  private static Map<String, String> compaction(String keyspace, String table) {
    return session
        .execute(
            "SELECT compaction FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
            keyspace,
            table)
        .one()
        .getMap("compaction", String.class, String.class);
  }
}
