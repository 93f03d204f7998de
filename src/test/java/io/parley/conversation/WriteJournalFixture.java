package io.parley.conversation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.conversation.ConversationEntity.GroupOp;
import io.parley.testing.EntityTestCluster;
import io.parley.testing.JournalFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.testkit.SnapshotMeta;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;

/**
 * Records a group conversation's journal, snapshot and replayed state as this build stores them,
 * into {@code src/test/resources/journal-fixtures/}. Run once per storage format that ships (it was
 * run on 6 Dec 2026, before timeline events became typed, issue 24); the fixture is then checked in
 * and never rewritten, so that {@link OldJournalReplayTest} keeps proving that what users stored
 * still reads:
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/test.classpath) io.parley.conversation.WriteJournalFixture
 * </pre>
 */
public final class WriteJournalFixture {
  static final String CONV = "g:fixture20261206";
  static final String RESOURCE = "/journal-fixtures/group-2026-12-06.json";
  // Small, so that the journal holds a snapshot and events after it.
  static final int SNAPSHOT_EVERY = 6;

  private WriteJournalFixture() {}

  static ConversationSettings settings() {
    return new ConversationSettings(
        1000,
        SNAPSHOT_EVERY,
        2,
        Duration.ofSeconds(10),
        new io.parley.conversation.ConversationSettings.Backoff(
            java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(30), 0),
        5000,
        16,
        new ConversationSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
  }

  static EventSourcedBehaviorTestKit<
          ConversationEntity.Command, ConversationEntity.Event, TimelineState>
      kit(ActorTestKit testKit) {
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        ConversationEntity.create(CONV, settings(), ClusterSharding.get(testKit.system())),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
  }

  static final String[] USERS = {"ann", "ben", "cat", "dan"};

  public static void main(String[] args) throws Exception {
    ActorTestKit testKit = EntityTestCluster.start();
    try {
      io.parley.user.UserEntities.init(
          testKit.system(),
          100,
          new io.parley.conversation.UserNotices(ClusterSharding.get(testKit.system())),
          io.parley.notifications.NotificationSink.DISABLED);
      EntityTestCluster.registerUsers(testKit, USERS);
      var kit = kit(testKit);
      Replies.PostReply created =
          kit.<Replies.PostReply>runCommand(
                  r -> new ConversationEntity.Create("ann", "plans", List.of("ben", "cat"), r))
              .reply();
      check(created);
      for (int i = 1; i <= 3; i++)
        post(kit, "ben", "b" + i, "text", TextNode.valueOf("hello " + i));
      post(kit, "ann", "a1", "text", JsonNodeFactory.instance.textNode("snow ☃ and \"quotes\""));
      manage(kit, "ann", GroupOp.INVITE, List.of("dan"), null, null);
      manage(kit, "ann", GroupOp.ROLE, List.of("ben"), null, "admin");
      manage(kit, "ben", GroupOp.TITLE, List.of(), "plans for may", null);
      post(kit, "dan", "d1", "text", TextNode.valueOf("hi all"));
      post(kit, "dan", "d2", "recall", JsonNodeFactory.instance.objectNode().put("seq", 9));
      manage(kit, "ben", GroupOp.KICK, List.of("cat"), null, null);
      manage(kit, "dan", GroupOp.LEAVE, List.of(), null, null);
      post(kit, "ann", "a2", "text", TextNode.valueOf("just us"));

      Serialization serialization = JournalFixture.serialization(testKit.system());
      String pid = ConversationEntity.persistenceId(CONV).id();
      List<JournalFixture.Stored> events =
          kit.persistenceTestKit().persistedInStorage(pid).stream()
              .map(e -> JournalFixture.Stored.of(serialization, e))
              .toList();
      List<Pair<SnapshotMeta, Object>> snapshots =
          kit.snapshotTestKit().orElseThrow().persistedInStorage(pid);
      Pair<SnapshotMeta, Object> last = snapshots.get(snapshots.size() - 1);
      JournalFixture fixture =
          new JournalFixture(
              pid,
              events,
              last.first().sequenceNr(),
              JournalFixture.Stored.of(serialization, last.second()),
              JournalFixture.Stored.of(serialization, kit.getState().snapshot()));
      Path out = Path.of("src/test/resources" + RESOURCE);
      Files.createDirectories(out.getParent());
      Files.writeString(out, fixture.toJson());
      System.out.println(
          "Wrote "
              + out
              + ": "
              + events.size()
              + " events, a snapshot at seq "
              + last.first().sequenceNr());
    } finally {
      testKit.shutdownTestKit();
    }
  }

  private static void post(
      EventSourcedBehaviorTestKit<
              ConversationEntity.Command, ConversationEntity.Event, TimelineState>
          kit,
      String from,
      String cid,
      String kind,
      com.fasterxml.jackson.databind.JsonNode body) {
    check(
        kit.<Replies.PostReply>runCommand(
                r -> new ConversationEntity.Post(from, cid, kind, body, r))
            .reply());
  }

  private static void manage(
      EventSourcedBehaviorTestKit<
              ConversationEntity.Command, ConversationEntity.Event, TimelineState>
          kit,
      String by,
      GroupOp op,
      List<String> users,
      String title,
      String role) {
    check(
        kit.<Replies.PostReply>runCommand(
                r -> new ConversationEntity.Manage(by, op, users, title, role, r))
            .reply());
  }

  private static void check(Replies.PostReply reply) {
    if (!(reply instanceof Replies.Posted)) throw new IllegalStateException("not stored: " + reply);
  }
}
