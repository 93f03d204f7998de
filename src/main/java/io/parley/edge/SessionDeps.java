package io.parley.edge;

import io.parley.auth.Tokens;
import io.parley.storage.TimelineReader;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** What every connection needs from its node; built once per edge node. */
public record SessionDeps(
    SessionSettings settings,
    Tokens tokens,
    ClusterSharding sharding,
    TimelineReader timeline,
    ActorRef<RoomRegistry.Command> rooms,
    LiveSessions sessions,
    SendGate sendGate,
    SendGate historyReads,
    FrameBudgets frameBudgets) {

  public SessionDeps(
      SessionSettings settings,
      Tokens tokens,
      ClusterSharding sharding,
      TimelineReader timeline,
      ActorRef<RoomRegistry.Command> rooms,
      LiveSessions sessions,
      FrameBudgets frameBudgets) {
    this(
        settings,
        tokens,
        sharding,
        timeline,
        rooms,
        sessions,
        new SendGate(settings.maxSendsInFlight()),
        new SendGate(settings.maxHistoryReadsInFlight()),
        frameBudgets);
  }
}
