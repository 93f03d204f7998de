package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.testkit.SnapshotMeta;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;

/**
 * An entity's journal and snapshot as a build stored them: each event and the snapshot as the
 * bytes, serializer id and manifest that went into Cassandra's {@code messages} and {@code
 * snapshots} tables, and the entity's state after replay (the same bytes for the state), so a later
 * build can prove it still reads them (OldJournalReplayTest, UserJournalReplayTest).
 */
public record JournalFixture(
    String persistenceId, List<Stored> events, long snapshotSeqNr, Stored snapshot, Stored state) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CBORMapper CBOR = new CBORMapper();

  /** One serialized object. */
  public record Stored(int serializerId, String manifest, byte[] bytes) {
    public static Stored of(Serialization serialization, Object value) {
      var serializer = serialization.findSerializerFor(value);
      try {
        return new Stored(
            serializer.identifier(),
            Serializers.manifestFor(serializer, value),
            serialization.serialize(value).get());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    public Object read(Serialization serialization) {
      return serialization.deserialize(bytes, serializerId, manifest).get();
    }

    /** The serialized form as a tree (fields in any order): what "the same state" means here. */
    public JsonNode tree() throws IOException {
      return CBOR.readTree(bytes);
    }

    ObjectNode json() {
      return JSON.createObjectNode()
          .put("serializer", serializerId)
          .put("manifest", manifest)
          .put("bytes", Base64.getEncoder().encodeToString(bytes));
    }

    static Stored from(JsonNode node) {
      return new Stored(
          node.get("serializer").asInt(),
          node.get("manifest").asText(),
          Base64.getDecoder().decode(node.get("bytes").asText()));
    }
  }

  public static Serialization serialization(ActorSystem<?> system) {
    return SerializationExtension.get(Adapter.toClassic(system));
  }

  /** The stored events from index {@code from} on, read by today's build. */
  public List<Object> events(Serialization serialization, int from) {
    return events.subList(from, events.size()).stream().map(e -> e.read(serialization)).toList();
  }

  /** Restarts {@code kit}'s entity on the stored events alone. */
  public void recoverFromEvents(
      EventSourcedBehaviorTestKit<?, ?, ?> kit, Serialization serialization) {
    kit.persistenceTestKit().persistForRecovery(persistenceId, events(serialization, 0));
    kit.restart();
  }

  /**
   * Restarts {@code kit}'s entity on the stored snapshot and the events after it. The events the
   * snapshot covers are replaced by {@code covered}, an event that would change the state if
   * replayed: a recovery that ignored the snapshot shows.
   */
  public void recoverFromSnapshot(
      EventSourcedBehaviorTestKit<?, ?, ?> kit, Serialization serialization, Object covered) {
    kit.snapshotTestKit()
        .orElseThrow()
        .persistForRecovery(
            persistenceId,
            List.of(Pair.create(SnapshotMeta.create(snapshotSeqNr), snapshot.read(serialization))));
    List<Object> journal = new ArrayList<>();
    for (long seq = 1; seq <= snapshotSeqNr; seq++) journal.add(covered);
    journal.addAll(events(serialization, (int) snapshotSeqNr));
    kit.persistenceTestKit().persistForRecovery(persistenceId, journal);
    kit.restart();
  }

  public String toJson() throws IOException {
    ObjectNode root =
        JSON.createObjectNode()
            .put("persistence_id", persistenceId)
            .put("snapshot_seq_nr", snapshotSeqNr);
    ArrayNode list = root.putArray("events");
    events.forEach(e -> list.add(e.json()));
    root.set("snapshot", snapshot.json());
    root.set("state", state.json());
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  public static JournalFixture read(String resource) throws IOException {
    try (InputStream in = JournalFixture.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing test resource " + resource);
      JsonNode root = JSON.readTree(in);
      List<Stored> events = new ArrayList<>();
      root.get("events").forEach(e -> events.add(Stored.from(e)));
      return new JournalFixture(
          root.get("persistence_id").asText(),
          events,
          root.get("snapshot_seq_nr").asLong(),
          Stored.from(root.get("snapshot")),
          Stored.from(root.get("state")));
    }
  }
}
