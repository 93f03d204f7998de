package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.timeline.Entry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Ordered delivery of the conversations a session did not know at its hello (the user entered them
 * since), of entries the user entity says it pushed before the session attached, and of groups a
 * user was out of for a while: each is filled from the journal where the user was in it, never from
 * before.
 */
class OrderedDeliveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "ann";
  private static final String DIRECT = "d:ann:cat";
  private static final String GROUP = "g:club";

  private final List<String> written = new ArrayList<>();
  private final List<String> fills = new ArrayList<>();
  // The conversations the session knows the user is in (by the hello sync, in these tests).
  private final Set<String> known = new HashSet<>();

  private OrderedDelivery delivery(long maxFill) {
    return new OrderedDelivery(
        USER,
        e -> written.add(e.conv() + " " + e.seq()),
        (conv, from, to) -> fills.add(conv + " " + from + ".." + to),
        maxFill,
        known::contains);
  }

  /** The hello sync named the user's conversations: these. */
  private void listed(OrderedDelivery delivery, String... convs) {
    known.addAll(List.of(convs));
    delivery.listed();
  }

  @Test
  void aDirectConversationEnteredSinceHelloIsFilledFromSeqOneWhenItsFirstPushIsLost() {
    OrderedDelivery delivery = delivery(500);
    listed(delivery);

    delivery.offer(text(DIRECT, 3));
    assertEquals(List.of(DIRECT + " 1..2"), fills);
    delivery.filled(DIRECT, texts(DIRECT, 1, 2));

    assertEquals(List.of(DIRECT + " 1", DIRECT + " 2", DIRECT + " 3"), written);
  }

  @Test
  void anEnteredConversationIsFilledAtMostCatchUpMaxBack() {
    OrderedDelivery delivery = delivery(500);
    listed(delivery);

    delivery.offer(text(DIRECT, 1000));

    assertEquals(List.of(DIRECT + " 500..999"), fills);
  }

  @Test
  void aConversationOfTheHelloWithoutACursorStartsAtItsFirstPushAsBefore() {
    OrderedDelivery delivery = delivery(500);
    listed(delivery, DIRECT); // a new install: no cursor, it pages history

    delivery.offer(text(DIRECT, 3));

    assertEquals(List.of(DIRECT + " 3"), written);
    assertEquals(List.of(), fills);
  }

  @Test
  void withoutTheHellosListEveryUnknownConversationStartsAtItsFirstPush() {
    OrderedDelivery delivery = delivery(500); // the sync's states never came

    delivery.offer(text(DIRECT, 3));

    assertEquals(List.of(DIRECT + " 3"), written);
    assertEquals(List.of(), fills);
  }

  @Test
  void aGroupEnteredSinceHelloStartsAtTheEntryThatAddedTheUser() {
    OrderedDelivery delivery = delivery(500);
    listed(delivery);

    delivery.offer(joined(GROUP, 40, USER));

    assertEquals(List.of(GROUP + " 40"), written);
    assertEquals(List.of(), fills);
  }

  @Test
  void aGroupWhoseAddingPushWasLostIsFilledFromThatEntryNotBefore() {
    OrderedDelivery delivery = delivery(500);
    listed(delivery);

    delivery.offer(text(GROUP, 43));
    assertEquals(List.of(GROUP + " 1..42"), fills);
    List<Entry> journal = new ArrayList<>(texts(GROUP, 1, 42));
    journal.set(0, created(GROUP, "cat", "dan"));
    journal.set(39, joined(GROUP, 40, USER));
    delivery.filled(GROUP, journal);

    assertEquals(List.of(GROUP + " 40", GROUP + " 41", GROUP + " 42", GROUP + " 43"), written);
  }

  @Test
  void aMemberRemovedAndAddedAgainSeesNothingOfTheTimeBetween() {
    OrderedDelivery delivery = delivery(500);
    delivery.startFrom(GROUP, 10);
    listed(delivery, GROUP);
    delivery.offer(kicked(GROUP, 11, USER));

    // Added again at 20, whose push was lost; 21 reaches them.
    delivery.offer(text(GROUP, 21));
    assertEquals(List.of(GROUP + " 12..20"), fills);
    List<Entry> journal = new ArrayList<>(texts(GROUP, 12, 19));
    journal.add(joined(GROUP, 20, USER));
    delivery.filled(GROUP, journal);

    assertEquals(List.of(GROUP + " 11", GROUP + " 20", GROUP + " 21"), written);
  }

  @Test
  void aMemberAddedAgainIsWrittenFromTheAddingEntryWithoutReadingTheTimeOut() {
    OrderedDelivery delivery = delivery(500);
    delivery.startFrom(GROUP, 10);
    listed(delivery, GROUP);
    delivery.offer(kicked(GROUP, 11, USER));

    delivery.offer(joined(GROUP, 2000, USER));
    delivery.offer(text(GROUP, 2001));

    assertEquals(List.of(GROUP + " 11", GROUP + " 2000", GROUP + " 2001"), written);
    assertEquals(List.of(), fills);
  }

  @Test
  void aMemberAddedAgainLongAfterIsLookedForAtMostCatchUpMaxBack() {
    OrderedDelivery delivery = delivery(500);
    delivery.startFrom(GROUP, 10);
    listed(delivery, GROUP);
    delivery.offer(kicked(GROUP, 11, USER));

    delivery.offer(text(GROUP, 2001));

    assertEquals(List.of(GROUP + " 1501..2000"), fills);
  }

  @Test
  void aRemovalWhosePushWasLostEndsWhatTheFillWrites() {
    OrderedDelivery delivery = delivery(500);
    delivery.startFrom(GROUP, 10);
    listed(delivery, GROUP);

    delivery.offer(text(GROUP, 21));
    List<Entry> journal = new ArrayList<>(List.of(kicked(GROUP, 11, USER)));
    journal.addAll(texts(GROUP, 12, 19));
    journal.add(joined(GROUP, 20, USER));
    delivery.filled(GROUP, journal);

    assertEquals(List.of(GROUP + " 11", GROUP + " 20", GROUP + " 21"), written);
  }

  @Test
  void entriesPushedBeforeTheSessionAttachedAreReadUpToTheSeqTold() {
    OrderedDelivery delivery = delivery(500);
    delivery.startFrom(DIRECT, 5);
    listed(delivery, DIRECT);

    delivery.readUpTo(DIRECT, 9);
    delivery.filled(DIRECT, texts(DIRECT, 6, 9));
    delivery.offer(text(DIRECT, 10));

    assertEquals(List.of(DIRECT + " 6..9"), fills);
    assertEquals(
        List.of(DIRECT + " 6", DIRECT + " 7", DIRECT + " 8", DIRECT + " 9", DIRECT + " 10"),
        written);
  }

  @Test
  void entriesOwedBeyondOneFillAreReadInTurns() {
    OrderedDelivery delivery = delivery(3);
    delivery.startFrom(DIRECT, 0);
    listed(delivery, DIRECT);

    delivery.readUpTo(DIRECT, 7);
    delivery.filled(DIRECT, texts(DIRECT, 1, 3));
    delivery.filled(DIRECT, texts(DIRECT, 4, 6));
    delivery.filled(DIRECT, texts(DIRECT, 7, 7));

    assertEquals(List.of(DIRECT + " 1..3", DIRECT + " 4..6", DIRECT + " 7..7"), fills);
    assertEquals(7, written.size(), written.toString());
  }

  @Test
  void entriesOwedInAConversationEnteredSinceHelloAreReadFromItsStart() {
    OrderedDelivery delivery = delivery(500);
    listed(delivery);

    delivery.readUpTo(DIRECT, 2);
    delivery.filled(DIRECT, texts(DIRECT, 1, 2));

    assertEquals(List.of(DIRECT + " 1", DIRECT + " 2"), written);
  }

  @Test
  void entriesOwedInAGroupTheUserWasRemovedFromAreReadFromTheirAddingAgain() {
    OrderedDelivery delivery = delivery(500);
    delivery.startFrom(GROUP, 10);
    listed(delivery, GROUP);
    delivery.offer(kicked(GROUP, 11, USER));

    delivery.readUpTo(GROUP, 2000);
    assertEquals(List.of(GROUP + " 1501..2000"), fills);
    List<Entry> journal = new ArrayList<>(texts(GROUP, 1501, 2000));
    journal.set(498, joined(GROUP, 1999, USER));
    delivery.filled(GROUP, journal);

    assertEquals(List.of(GROUP + " 11", GROUP + " 1999", GROUP + " 2000"), written);
  }

  @Test
  void entriesOwedInAConversationTheClientPagesAreLeftToIt() {
    OrderedDelivery delivery = delivery(500);
    listed(delivery, DIRECT);

    delivery.readUpTo(DIRECT, 9);

    assertEquals(List.of(), fills);
  }

  private static Entry text(String conv, long seq) {
    return new Entry(conv, seq, "cat", "c" + seq, "text", JSON.getNodeFactory().textNode("hi"), 0);
  }

  private static List<Entry> texts(String conv, long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(seq -> text(conv, seq)).toList();
  }

  private static Entry created(String conv, String owner, String... members) {
    ObjectNode body = JSON.createObjectNode().put("event", "created").put("owner", owner);
    for (String member : members) body.withArray("members").add(member);
    return system(conv, 1, owner, body);
  }

  private static Entry joined(String conv, long seq, String user) {
    ObjectNode body = JSON.createObjectNode().put("event", "joined").put("by", "cat");
    body.putArray("users").add(user);
    return system(conv, seq, "cat", body);
  }

  private static Entry kicked(String conv, long seq, String user) {
    return system(
        conv,
        seq,
        "cat",
        JSON.createObjectNode().put("event", "kicked").put("user", user).put("by", "cat"));
  }

  private static Entry system(String conv, long seq, String from, JsonNode body) {
    return new Entry(conv, seq, from, "s" + seq, "system", body, 0);
  }
}
