package io.parley.edge.requests;

import io.parley.protocol.ServerFrame;
import io.parley.timeline.Entry;
import java.util.List;

/** Maps core's timeline entries to wire frames: the one place internal types meet the wire. */
public final class Frames {
  private Frames() {}

  public static ServerFrame.Msg msg(Entry e) {
    boolean edited = e.editSeq() > 0;
    return new ServerFrame.Msg(
        e.conv(),
        e.seq(),
        e.from(),
        e.cid(),
        e.kind(),
        e.body(),
        e.ts(),
        edited ? Boolean.TRUE : null,
        edited ? e.editSeq() : null);
  }

  public static List<ServerFrame.Msg> msgs(List<Entry> entries) {
    return entries.stream().map(Frames::msg).toList();
  }
}
