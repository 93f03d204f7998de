package io.parley.edge.session;

import io.parley.auth.Tokens;
import io.parley.edge.budgets.SendGate;
import io.parley.edge.requests.RequestDeps;
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
    RequestDeps requests,
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
        new RequestDeps(
            settings.requests(),
            sharding,
            timeline,
            new SendGate(settings.maxHistoryReadsInFlight())),
        frameBudgets);
  }
}
