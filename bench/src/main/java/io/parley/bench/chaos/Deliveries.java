package io.parley.bench.chaos;

import io.parley.bench.chaos.Records.Delivery;
import io.parley.bench.chaos.Records.DeviceLog;
import io.parley.bench.chaos.Records.Entry;
import io.parley.bench.chaos.Records.Source;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One device's deliveries in one conversation, walked in arrival order: pushes must continue from
 * the highest seq the device holds, by exactly one, across reconnects (the device sends its cursor
 * on hello); entries the device paged itself to fill a gap only fill it. Every entry must be the
 * one the stored history holds at its seq.
 */
final class Deliveries {
  private Deliveries() {}

  static void check(DeviceLog d, Map<Long, Entry> stored, Tally tally) {
    Set<Long> held = new HashSet<>();
    long highest = 0, highestPushed = 0, pushes = 0, paged = 0;
    for (Delivery x : d.received()) {
      long seq = x.seq();
      Entry e = stored.get(seq);
      if (e == null || !e.cid().equals(x.cid())) {
        tally.violation(
            "mismatched",
            d.name()
                + " got cid "
                + x.cid()
                + " at seq "
                + seq
                + " of "
                + d.conv()
                + " but history holds "
                + (e == null ? "nothing" : "cid " + e.cid())
                + " there");
      }
      if (x.source() == Source.PAGE) {
        paged++;
        held.add(seq);
        highest = Math.max(highest, seq);
        continue;
      }
      pushes++;
      String where = " of " + d.conv() + " on connection " + x.connection();
      if (held.contains(seq)) {
        tally.violation("duplicateDeliveries", d.name() + " got seq " + seq + " again" + where);
      } else if (seq < highestPushed) {
        tally.violation(
            "reordered", d.name() + " got seq " + seq + " after seq " + highestPushed + where);
      } else if (seq > highest + 1) {
        tally.violation(
            "gaps",
            seq - highest - 1,
            d.name() + " got seq " + seq + " while holding up to " + highest + where);
      }
      held.add(seq);
      highest = Math.max(highest, seq);
      highestPushed = Math.max(highestPushed, seq);
    }
    tally.figure("deliveries", pushes);
    tally.figure("pagedByDevices", paged);
  }
}
