package io.parley.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.bench.Frame;
import io.parley.bench.chaos.Records.Delivery;
import io.parley.bench.chaos.Records.DeviceLog;
import io.parley.bench.chaos.Records.Source;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * What one device holds of its conversation, and the log of how each entry arrived. It acks the
 * longest run it holds from seq 1 (an ack says "every entry up to n"), and when a push skips seqs
 * it pages the missing ones with {@code history}, as the contract asks of a client that sees a gap.
 * Runs under its device's lock.
 */
final class Received {
  static final String RID_PREFIX = "p";

  // The protocol's largest history page.
  private static final int PAGE_LIMIT = 200;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Device device;
  private final Stats.Counters counters;
  private final List<Delivery> log = new ArrayList<>();
  private final BitSet held = new BitSet();
  private long highest;
  private long acked;
  private String pageRid;
  private int pages;

  Received(Device device, Stats.Counters counters) {
    this.device = device;
    this.counters = counters;
  }

  /** The highest seq held: the cursor the device says hello with. */
  long highest() {
    return highest;
  }

  /** Whether the device holds every seq from 1 to {@code last}. */
  boolean holdsThrough(long last) {
    return held.nextClearBit(1) > last;
  }

  void pushed(Frame f, int connection) {
    long seq = f.seq();
    if (seq < 1) return;
    log.add(new Delivery(seq, f.cid(), connection, Source.PUSH));
    counters.delivered.increment();
    hold(seq);
    if (seq > held.nextClearBit(1)) fillHoles();
  }

  /** Pages the lowest run of missing seqs below the highest held, one page at a time. */
  void fillHoles() {
    if (pageRid != null || !device.isReady()) return;
    long hole = held.nextClearBit(1);
    if (hole > highest) return;
    long end = held.nextSetBit((int) hole) - 1;
    long limit = Math.min(PAGE_LIMIT, end - hole + 1);
    pageRid = RID_PREFIX + (++pages);
    device.write(
        "{\"type\":\"history\",\"rid\":\""
            + pageRid
            + "\",\"conv\":\""
            + device.conv
            + "\",\"after\":"
            + (hole - 1)
            + ",\"limit\":"
            + limit
            + "}");
  }

  /** A page this device asked for: what it did not hold yet is delivered; then the next hole. */
  void paged(Frame f, int connection) {
    if (!f.rid().equals(pageRid)) return;
    pageRid = null;
    // An error (unavailable while the conversation moves): upkeep asks again shortly.
    if (!"history".equals(f.type())) return;
    JsonNode messages;
    try {
      messages = JSON.readTree(f.raw()).path("messages");
    } catch (Exception e) {
      return;
    }
    for (JsonNode m : messages) {
      long seq = m.path("seq").asLong(-1);
      if (seq < 1 || held.get((int) seq)) continue;
      log.add(new Delivery(seq, m.path("cid").asText(null), connection, Source.PAGE));
      hold(seq);
    }
    fillHoles();
  }

  private void hold(long seq) {
    held.set((int) seq);
    highest = Math.max(highest, seq);
    long upTo = held.nextClearBit(1) - 1;
    if (upTo > acked) {
      acked = upTo;
      device.write("{\"type\":\"ack\",\"conv\":\"" + device.conv + "\",\"seq\":" + upTo + "}");
    }
  }

  /** The connection dropped: a page in flight will not be answered. */
  void closed() {
    pageRid = null;
  }

  DeviceLog log() {
    return new DeviceLog(device.user, device.id, device.conv, log);
  }
}
