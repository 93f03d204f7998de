package io.parley.atrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.parley.conversation.ConversationEntity;
import io.parley.node.Node;
import io.parley.storage.CassandraSessions;
import io.parley.storage.CassandraSettings;
import io.parley.storage.TimelineReader;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.Plaintext;
import io.parley.testing.TestKeys;
import io.parley.testing.TestNodes;
import io.parley.testing.WsClient;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest on a real node and Cassandra: read raw with CQL, the journal and snapshot rows
 * hold no message body in any encoding, while members read their history as sent; after a key
 * rotation old rows still read and new ones use the new key; a missing key, or an altered row,
 * fails loudly instead of reading as something else.
 */
@Integration
class EncryptedJournalTest {
  private static CqlSession cql;

  @TempDir Path dir;

  @BeforeAll
  static void connect() {
    // Logged in as the nodes are (the suite's Cassandra requires it).
    cql =
        CassandraSessions.open(
            CassandraSettings.from(TestNodes.config(Map.of())), Duration.ofSeconds(60));
  }

  @AfterAll
  static void close() {
    cql.close();
  }

  /** A stored row: serializer id, manifest, bytes, and (journal) its clustering columns. */
  private record Stored(int serializerId, String manifest, byte[] bytes, Row row) {
    Sealed sealed(Node node) {
      return assertInstanceOf(
          Sealed.class, serialization(node).deserialize(bytes, serializerId, manifest).get());
    }
  }

  private static Serialization serialization(Node node) {
    return SerializationExtension.get(Adapter.toClassic(node.system()));
  }

  private static String journalTable(Node node) {
    Config c = node.system().settings().config().getConfig("pekko.persistence.cassandra");
    return c.getString("journal.keyspace") + "." + c.getString("journal.table");
  }

  private static List<Stored> journal(Node node, String conv) {
    List<Stored> rows = new ArrayList<>();
    for (Row row :
        cql.execute(
            "SELECT sequence_nr, timestamp, ser_id, ser_manifest, event FROM "
                + journalTable(node)
                + " WHERE persistence_id = ? AND partition_nr = 0",
            ConversationEntity.persistenceId(conv).id())) {
      rows.add(
          new Stored(
              row.getInt("ser_id"), row.getString("ser_manifest"), bytes(row, "event"), row));
    }
    return rows;
  }

  private static List<Stored> snapshots(Node node, String conv) {
    Config c = node.system().settings().config().getConfig("pekko.persistence.cassandra");
    List<Stored> rows = new ArrayList<>();
    for (Row row :
        cql.execute(
            "SELECT ser_id, ser_manifest, snapshot, snapshot_data FROM "
                + c.getString("snapshot.keyspace")
                + "."
                + c.getString("snapshot.table")
                + " WHERE persistence_id = ?",
            ConversationEntity.persistenceId(conv).id())) {
      byte[] data = bytes(row, "snapshot_data");
      rows.add(
          new Stored(
              row.getInt("ser_id"),
              row.getString("ser_manifest"),
              data.length > 0 ? data : bytes(row, "snapshot"),
              row));
    }
    return rows;
  }

  private static byte[] bytes(Row row, String column) {
    ByteBuffer buffer = row.getByteBuffer(column);
    if (buffer == null) return new byte[0];
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static List<String> bodies(Node node, String user, String conv) throws Exception {
    try (WsClient ws = WsClient.json(node.httpAddress())) {
      ws.hello(login(node, user), "tablet", null);
      return ws.fullHistory(conv).stream().map(m -> m.get("body").asText()).toList();
    }
  }

  /** A fresh token for a user that {@link Api#registerAndLogin} registered. */
  private static String login(Node node, String user) throws Exception {
    Api.Response session =
        new Api(node.httpAddress())
            .post("/sessions", Map.of("user", user, "password", "password-" + user));
    assertEquals(200, session.status(), session.toString());
    return session.body().get("token").asText();
  }

  private static Throwable readFailure(Node node, String conv, long from, long to) {
    ExecutionException failed =
        assertThrows(
            ExecutionException.class,
            () ->
                new TimelineReader(node.system())
                    .read(conv, from, to)
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS));
    return assertInstanceOf(AtRestException.class, failed.getCause());
  }

  @Test
  void rawRowsHoldNoBodyWhileMembersReadTheirHistoryAsSent() throws Exception {
    String ann = Ids.user("ann");
    String ben = Ids.user("ben");
    String conv = Ids.direct(ann, ben);
    List<String> sent = new ArrayList<>();
    try (Node node = TestNodes.start(Map.of("parley.conversation.snapshot-every", 2))) {
      Api api = new Api(node.httpAddress());
      api.registerAndLogin(ben);
      try (WsClient ws = api.phone(ann)) {
        for (int i = 1; i <= 5; i++) {
          String body = "the vault code is " + UUID.randomUUID() + ", message " + i;
          sent.add(body);
          assertEquals(i, ws.sentSeq(conv, "m" + i, body));
        }
      }
      assertEquals(sent, bodies(node, ben, conv), "history as sent");

      List<Stored> events = journal(node, conv);
      assertEquals(5, events.size());
      List<Stored> snapshots = snapshots(node, conv);
      assertEquals(2, snapshots.size(), "snapshots at seq 2 and 4");
      List<Stored> rows = new ArrayList<>(events);
      rows.addAll(snapshots);
      for (Stored row : rows) {
        assertEquals(Sealed.class.getName(), row.manifest());
        assertEquals(TestKeys.ID, row.sealed(node).key());
        for (String body : sent) {
          assertEquals(List.of(), Plaintext.foundIn(row.bytes(), body), "a row holds a body");
        }
      }

      // An altered row is refused, naming where it is, not read as some other text.
      Stored first = events.get(0);
      Sealed sealed = first.sealed(node);
      byte[] data = sealed.data().clone();
      data[data.length / 2] ^= 1;
      byte[] altered = serialization(node).serialize(new Sealed(sealed.key(), data)).get();
      cql.execute(
          "UPDATE "
              + journalTable(node)
              + " SET event = ? WHERE persistence_id = ? AND partition_nr = 0"
              + " AND sequence_nr = 1 AND timestamp = ?",
          ByteBuffer.wrap(altered),
          ConversationEntity.persistenceId(conv).id(),
          first.row().getUuid("timestamp"));
      Throwable refused = readFailure(node, conv, 1, 5);
      assertTrue(refused.getMessage().contains("does not authenticate"), refused.getMessage());
      assertTrue(refused.getMessage().contains(conv), refused.getMessage());
      assertEquals(sent.subList(1, 5), read(node, conv, 2, 5), "the other rows still read");
    }
  }

  private static List<String> read(Node node, String conv, long from, long to) throws Exception {
    return new TimelineReader(node.system())
        .read(conv, from, to).toCompletableFuture().get(30, TimeUnit.SECONDS).stream()
            .map(e -> e.body().asText())
            .toList();
  }

  @Test
  void afterARotationOldRowsStillReadAndNewOnesUseTheNewKey() throws Exception {
    String ann = Ids.user("ann");
    String ben = Ids.user("ben");
    String conv = Ids.direct(ann, ben);
    try (Node before = TestNodes.start(Map.of())) {
      Api api = new Api(before.httpAddress());
      api.registerAndLogin(ben);
      try (WsClient ws = api.phone(ann)) {
        assertEquals(1, ws.sentSeq(conv, "m1", "sent under the first key"));
      }
    }

    Path rotated =
        TestKeys.write(
            dir.resolve("rotated.properties"),
            TestKeys.OTHER_ID,
            Map.of(TestKeys.ID, TestKeys.KEY, TestKeys.OTHER_ID, TestKeys.OTHER_KEY));
    try (Node after = TestNodes.start(Map.of("parley.at-rest.keys-file", rotated.toString()))) {
      try (WsClient ws = WsClient.json(after.httpAddress())) {
        ws.hello(login(after, ann), "phone", null);
        assertEquals(2, ws.sentSeq(conv, "m2", "sent under the second key"));
      }
      assertEquals(
          List.of("sent under the first key", "sent under the second key"),
          bodies(after, ben, conv));
      List<Stored> rows = journal(after, conv);
      assertEquals(TestKeys.ID, rows.get(0).sealed(after).key());
      assertEquals(TestKeys.OTHER_ID, rows.get(1).sealed(after).key());
    }

    // The first key removed while a row still uses it: that row fails, naming the key.
    Path without =
        TestKeys.write(
            dir.resolve("without.properties"),
            TestKeys.OTHER_ID,
            Map.of(TestKeys.OTHER_ID, TestKeys.OTHER_KEY));
    try (Node node = TestNodes.start(Map.of("parley.at-rest.keys-file", without.toString()))) {
      Throwable missing = readFailure(node, conv, 1, 2);
      assertTrue(missing.getMessage().contains("'" + TestKeys.ID + "'"), missing.getMessage());
      assertTrue(missing.getMessage().contains("parley.at-rest.keys-file"), missing.getMessage());
      // Nor does the conversation recover past it and take new posts on a timeline it cannot
      // read (their seqs would be wrong): it fails and says so in the log.
      try (WsClient ws = WsClient.json(node.httpAddress())) {
        ws.hello(login(node, ann), "phone", null);
        JsonNode reply = ws.sendText(conv, "m3", "not stored");
        assertEquals("error", reply.path("type").asText(), reply.toString());
      }
    }
  }

  @Test
  void aNodeWithoutItsKeysDoesNotStart() {
    Path missing = dir.resolve("missing.properties");
    Exception noFile =
        assertThrows(
            IllegalStateException.class,
            () -> TestNodes.start(Map.of("parley.at-rest.keys-file", missing.toString())));
    assertTrue(noFile.getMessage().contains(missing.toString()), noFile.getMessage());
    assertTrue(noFile.getMessage().contains("parley.at-rest.keys-file"), noFile.getMessage());

    Exception noKeys =
        assertThrows(
            IllegalStateException.class,
            () -> TestNodes.start(Map.of("parley.at-rest.keys-file", "")));
    assertTrue(noKeys.getMessage().contains("parley.at-rest.keys-file"), noKeys.getMessage());
    assertTrue(noKeys.getMessage().contains("parley.at-rest.required"), noKeys.getMessage());
  }
}
