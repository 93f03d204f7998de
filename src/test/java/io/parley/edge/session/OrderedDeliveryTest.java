package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.timeline.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Ordered delivery of entries the user entity says it pushed before the session attached: they are
 * read from the journal, in turns of at most catch-up-max, and written in order.
 */
class OrderedDeliveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIRECT = "d:ann:cat";

  private final List<String> written = new ArrayList<>();
  private final List<String> fills = new ArrayList<>();

  private OrderedDelivery delivery(long maxFill) {
    return new OrderedDelivery(
        e -> written.add(e.conv() + " " + e.seq()),
        (conv, from, to) -> fills.add(conv + " " + from + ".." + to),
        maxFill);
  }

  @Test
  void entriesPushedBeforeTheSessionAttachedAreReadUpToTheSeqTold() {
    OrderedDelivery delivery = delivery(500);
    delivery.startFrom(DIRECT, 5);

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

    delivery.readUpTo(DIRECT, 7);
    delivery.filled(DIRECT, texts(DIRECT, 1, 3));
    delivery.filled(DIRECT, texts(DIRECT, 4, 6));
    delivery.filled(DIRECT, texts(DIRECT, 7, 7));

    assertEquals(List.of(DIRECT + " 1..3", DIRECT + " 4..6", DIRECT + " 7..7"), fills);
    assertEquals(7, written.size(), written.toString());
  }

  private static Entry text(String conv, long seq) {
    return new Entry(conv, seq, "cat", "c" + seq, "text", JSON.getNodeFactory().textNode("hi"), 0);
  }

  private static List<Entry> texts(String conv, long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(seq -> text(conv, seq)).toList();
  }
}
