package io.parley.bench.chaos;

import java.time.Duration;

/**
 * The client's clocks: how long it waits before it calls an edge or an answer lost. A real client
 * would pick similar values; tests shorten them.
 *
 * @param connect a connect and its upgrade: an edge behind a partition drops packets, and the
 *     device should move on to the next edge well before a person would give up
 * @param pingEvery how often a ready device pings (the contract asks at least every heartbeat_ms)
 * @param pongTimeout a pong missing this long after its ping means the path to the edge is gone
 * @param helloTimeout each step of a hello must come within this, else the next edge: {@code
 *     welcome} after the hello, then {@code synced} after {@code welcome}. During a failover a
 *     hello waits up to {@code parley.session.sync-patience} (30 s) for a moving entity, and the
 *     contract asks a client to wait at least 35 s for each (docs/protocol.md, "Failover"): a
 *     device that gave up sooner would start the same wait again on the next edge.
 * @param answerTimeout a send with no answer within this is treated as unknown and retried by cid
 * @param hedgeEvery a send still unanswered this long after its latest attempt is sent again with
 *     its cid on the same connection, as a mobile client resends on a timer: an attempt lost on its
 *     way (to a core node that died) is otherwise answered only after the edge's whole wait (9 s).
 *     Every second: with 2 s, a conversation whose node was killed showed up to 13.5 s to its first
 *     ack though its shard had a new home 9.5 s after the kill; what the client measures is then
 *     the server's recovery plus at most 1 s.
 */
record Timings(
    Duration connect,
    Duration pingEvery,
    Duration pongTimeout,
    Duration helloTimeout,
    Duration answerTimeout,
    Duration hedgeEvery) {
  static final Timings DEFAULT =
      new Timings(
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          Duration.ofSeconds(35),
          Duration.ofSeconds(15),
          Duration.ofSeconds(1));
}
