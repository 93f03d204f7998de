package io.parley.edge;

import io.parley.protocol.ServerFrame;
import io.parley.timeline.Entry;
import java.util.List;

/** Maps core's timeline entries to wire frames: the one place internal types meet the wire. */
final class Frames {
  private Frames() {}

  static ServerFrame.Msg msg(Entry e) {
    return new ServerFrame.Msg(e.conv(), e.seq(), e.from(), e.cid(), e.kind(), e.body(), e.ts());
  }

  static List<ServerFrame.Msg> msgs(List<Entry> entries) {
    return entries.stream().map(Frames::msg).toList();
  }
}
