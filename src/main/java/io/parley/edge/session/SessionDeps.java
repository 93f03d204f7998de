package io.parley.edge.session;

import io.parley.auth.Tokens;
import io.parley.edge.budgets.SendGate;
import io.parley.edge.requests.Devices;
import io.parley.edge.requests.FriendsPresence;
import io.parley.edge.requests.Groups;
import io.parley.edge.requests.People;
import io.parley.edge.requests.PeopleSearch;
import io.parley.edge.requests.RequestDeps;
import io.parley.edge.requests.Requests;
import io.parley.moderation.Moderation;
import io.parley.storage.PeopleTable;
import io.parley.storage.TimelineReader;
import io.parley.tracing.Tracing;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * What every connection needs from its node; built once per edge node. The request objects hold no
 * state of a session's, so the node's sessions share them (and the REST routes its Requests).
 */
public record SessionDeps(
    SessionSettings settings,
    Tokens tokens,
    ClusterSharding sharding,
    TimelineReader timeline,
    ActorRef<RoomRegistry.Command> rooms,
    LiveSessions sessions,
    SendGate sendGate,
    Requests requests,
    People people,
    Groups groups,
    FrameBudgets frameBudgets,
    Devices devices,
    PeopleSearch search,
    FriendsPresence presence,
    Moderation moderation) {

  public static SessionDeps create(
      ActorSystem<?> system,
      SessionSettings settings,
      Tokens tokens,
      ClusterSharding sharding,
      TimelineReader timeline,
      ActorRef<RoomRegistry.Command> rooms,
      LiveSessions sessions,
      FrameBudgets frameBudgets) {
    RequestDeps requests =
        new RequestDeps(
            settings.requests(),
            sharding,
            timeline,
            new SendGate(settings.maxHistoryReadsInFlight()),
            Tracing.get(system));
    return new SessionDeps(
        settings,
        tokens,
        sharding,
        timeline,
        rooms,
        sessions,
        new SendGate(settings.maxSendsInFlight()),
        new Requests(requests, system),
        new People(requests),
        new Groups(requests),
        frameBudgets,
        new Devices(requests, settings.maxPushDevices()),
        new PeopleSearch(
            PeopleSearch.Settings.from(system.settings().config()),
            new PeopleTable(system),
            sharding,
            settings.askTimeout()),
        new FriendsPresence(
            FriendsPresence.Settings.from(system.settings().config()),
            sharding,
            settings.askTimeout(),
            system),
        Moderation.from(system.settings().config()));
  }
}
