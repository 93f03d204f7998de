package io.parley.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.parley.atrest.AtRest;
import io.parley.auth.Passwords;
import io.parley.auth.Tokens;
import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationSettings;
import io.parley.edge.net.ServerTls;
import io.parley.edge.net.SocketServer;
import io.parley.edge.session.CoreRemovals;
import io.parley.edge.session.FrameBudgets;
import io.parley.edge.session.LiveSessions;
import io.parley.edge.session.RoomRegistry;
import io.parley.edge.session.SessionDeps;
import io.parley.edge.session.SessionFlow;
import io.parley.edge.session.SessionSettings;
import io.parley.edge.transport.ConnectionCaps;
import io.parley.edge.transport.EdgeLimits;
import io.parley.edge.transport.HttpListener;
import io.parley.edge.transport.TcpTransport;
import io.parley.edge.transport.WebSocketTransport;
import io.parley.http.Auth;
import io.parley.http.ConversationRoutes;
import io.parley.http.DeviceRoutes;
import io.parley.http.KnownUsers;
import io.parley.http.PeopleRoutes;
import io.parley.http.ProfileRoutes;
import io.parley.http.RestBudgets;
import io.parley.http.Routes;
import io.parley.http.UserRoutes;
import io.parley.metrics.ClusterGauges;
import io.parley.metrics.EntityGauges;
import io.parley.protocol.Codec;
import io.parley.storage.CassandraSessions;
import io.parley.storage.CassandraSettings;
import io.parley.storage.JournalProbe;
import io.parley.storage.PeopleTable;
import io.parley.storage.Schema;
import io.parley.storage.TimelineReader;
import io.parley.tracing.Tracing;
import io.parley.user.UserEntities;
import io.parley.user.UserEntity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.setup.Setup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Parley node: an actor system in the cluster, the entities of its {@code core} role,
 * and the sockets of its {@code edge} role. Used by {@link Main} and by tests.
 */
public final class Node implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Node.class);
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);

  private final ActorSystem<Void> system;
  private final InetSocketAddress management;
  private final InetSocketAddress http;
  private final InetSocketAddress tcp;
  private final boolean tls;

  private Node(
      ActorSystem<Void> system,
      InetSocketAddress management,
      InetSocketAddress http,
      InetSocketAddress tcp,
      boolean tls) {
    this.system = system;
    this.management = management;
    this.http = http;
    this.tcp = tcp;
    this.tls = tls;
  }

  /** Starts a node from a fully loaded config (see {@link ParleyConfig#load}). */
  public static Node start(Config config, String systemName) throws Exception {
    return start(config, systemName, new Setup[0]);
  }

  /**
   * The same, with setups for the actor system's extensions (tests: a {@link
   * io.parley.tracing.TracingSetup} with an in-memory span exporter).
   */
  public static Node start(Config config, String systemName, Setup... setups) throws Exception {
    ParleyConfig.checkClusterTls(config);
    // Missing or malformed keys fail here, before anything waits for Cassandra.
    AtRest.check(config);
    CassandraSettings cassandra = CassandraSettings.from(config);
    if (cassandra.applySchema()) {
      Schema.apply(cassandra, config.getDuration("parley.cassandra.connect-timeout"));
    } else {
      // A wrong password or truststore stops the node here, not as a never-ready pod.
      CassandraSessions.checkLogin(cassandra);
    }
    Tokens tokens = Tokens.from(config);
    // Loaded before the node joins a cluster: a keystore that does not load stops it here.
    ServerTls tls =
        ParleyConfig.hasRole(config, "edge")
            ? ServerTls.Settings.from(config).map(Node::loadTls).orElse(null)
            : null;
    ActorSystemSetup setup = ActorSystemSetup.create(BootstrapSetup.create(config));
    for (Setup s : setups) setup = setup.withSetup(s);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), systemName, setup);
    try {
      Tracing.get(system); // a tracing configuration that cannot work fails the start
      AtRest.get(system); // the keys every entity and history read of this node uses
      // Health checks, the Cluster HTTP API and /metrics (MetricsRoute): never on a public port.
      InetSocketAddress management = null;
      if (config.getBoolean("parley.management.enabled")) {
        Uri bound = await(PekkoManagement.get(system).start());
        management = new InetSocketAddress(bound.host().address(), bound.port());
      }
      if (config.getBoolean("parley.cluster.bootstrap")) {
        ClusterBootstrap.get(system).start();
      } else if (config.getBoolean("parley.cluster.self-join")) {
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      // On nodes without the core role these become sharding proxies.
      ConversationEntity.init(system, ConversationSettings.from(config));
      UserEntities.init(
          system,
          config.getInt("parley.user.snapshot-every"),
          new io.parley.conversation.UserNotices(ClusterSharding.get(system)),
          PushNotifications.sink(system, config),
          new PeopleTable(system));
      ClusterGauges.start(system);
      if (ParleyConfig.hasRole(config, "core")) {
        EntityGauges.start(
            system,
            config.getDuration("parley.metrics.entity-poll"),
            ConversationEntity.ENTITY_KEY,
            UserEntity.ENTITY_KEY);
      }
      if (!ParleyConfig.hasRole(config, "edge"))
        return new Node(system, management, null, null, false);
      return startEdge(system, config, tokens, management, tls);
    } catch (Exception | Error e) {
      system.terminate();
      throw e;
    }
  }

  private static ServerTls loadTls(ServerTls.Settings settings) {
    try {
      return ServerTls.load(settings);
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static Node startEdge(
      ActorSystem<Void> system,
      Config config,
      Tokens tokens,
      InetSocketAddress management,
      ServerTls tls)
      throws Exception {
    SessionSettings settings = SessionSettings.from(config);
    // One count of this node's connections, shared by both ports and the sessions' hellos.
    ConnectionCaps caps = new ConnectionCaps(EdgeLimits.from(config));
    SessionDeps deps =
        SessionDeps.create(
            system,
            settings,
            tokens,
            ClusterSharding.get(system),
            new TimelineReader(system),
            system.systemActorOf(
                RoomRegistry.create(
                    ClusterSharding.get(system), RoomRegistry.Settings.from(config)),
                "rooms",
                org.apache.pekko.actor.typed.Props.empty()),
            new LiveSessions(system, caps),
            new FrameBudgets(FrameBudgets.Settings.from(config)));
    system.systemActorOf(
        CoreRemovals.create(deps.sessions(), settings.reattachSpread()),
        "parley-core-removals",
        org.apache.pekko.actor.typed.Props.empty());
    String host = config.getString("parley.node.bind-host");
    RestBudgets restBudgets = new RestBudgets(RestBudgets.Settings.from(config));
    Auth auth = new Auth(tokens, deps.sharding(), settings.askTimeout(), restBudgets);
    // The REST routes write the same JSON as the socket (snake_case, no nulls): one mapper for all.
    ObjectMapper json = Codec.json(settings.frameLimits()).mapper();
    JournalProbe journal = new JournalProbe(system);
    UserRoutes users =
        new UserRoutes(
            system,
            Passwords.from(config),
            tokens,
            auth,
            settings.askTimeout(),
            json,
            restBudgets,
            new KnownUsers(
                KnownUsers.Settings.from(config),
                user ->
                    journal.hasEvents(PersistenceId.of(UserEntity.ENTITY_KEY.name(), user).id()),
                System::nanoTime));
    ProfileRoutes profiles =
        new ProfileRoutes(
            deps.sharding(),
            auth,
            settings.askTimeout(),
            json,
            config.getInt("parley.user.avatar-max-chars"));
    ConversationRoutes conversations =
        new ConversationRoutes(
            deps.requests(),
            auth,
            json,
            settings.historyDefaultLimit(),
            settings.historyMaxLimit());
    // The transports hand each socket, once framed, to a session: they know no more of sessions.
    SessionFlow sessionFlow =
        new SessionFlow(system, deps, DispatcherSelector.fromConfig(SocketServer.DISPATCHER));
    WebSocketTransport webSocket = new WebSocketTransport(sessionFlow);
    Routes routes =
        new Routes(
            webSocket,
            users,
            profiles,
            new PeopleRoutes(deps.search(), auth, json),
            conversations,
            new DeviceRoutes(deps.devices(), auth, json, settings.frameLimits()),
            restBudgets,
            tls == null
                ? Optional.empty()
                : Optional.of(config.getDuration("parley.edge.tls.hsts-max-age")));
    int backlog = config.getInt("parley.edge.accept-backlog");
    SocketServer sockets =
        new SocketServer(
            system,
            config.getInt("parley.edge.io-threads"),
            (int) config.getBytes("parley.edge.socket-buffer-bytes").longValue(),
            config.getDuration("parley.edge.close-linger"),
            tls);
    log.info(
        "Sockets on {} with {} I/O thread(s), {}",
        sockets.epoll() ? "epoll" : "the JDK selector (epoll unavailable)",
        config.getInt("parley.edge.io-threads"),
        sockets.tls() ? "TLS on both ports" : "plaintext");
    SocketServer.Binding http =
        await(
            HttpListener.bind(
                sockets,
                system,
                host,
                config.getInt("parley.edge.http-port"),
                backlog,
                webSocket,
                routes.routes().flow(system),
                caps));
    SocketServer.Binding tcp =
        await(
            TcpTransport.bind(
                sockets, sessionFlow, caps, host, config.getInt("parley.edge.tcp-port"), backlog));
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceUnbind(),
        "parley-unbind",
        () -> http.unbind().thenCombine(tcp.unbind(), (a, b) -> Done.getInstance()));
    // After unbinding: tell every client to reconnect elsewhere, and wait for them to go.
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceRequestsDone(),
        "parley-drain-sockets",
        () ->
            deps.sessions()
                .drain(
                    config.getDuration("parley.shutdown.drain-spread"),
                    config.getDuration("parley.shutdown.drain-timeout")));
    // The event loops run the sockets' actors too, so they stop after the actor system (whose
    // stopping streams reset the sockets the drain left open).
    system.getWhenTerminated().thenRun(sockets::shutdown);
    String advertised = config.getString("parley.node.host");
    return new Node(
        system,
        management,
        new InetSocketAddress(advertised, http.localAddress().getPort()),
        new InetSocketAddress(advertised, tcp.localAddress().getPort()),
        sockets.tls());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /**
   * The bound Pekko Management address (health checks, Cluster HTTP API, {@code /metrics}), or null
   * when parley.management.enabled is off.
   */
  public InetSocketAddress managementAddress() {
    return management;
  }

  /** The bound HTTP address (WebSocket and REST), or null on a node without the edge role. */
  public InetSocketAddress httpAddress() {
    return http;
  }

  public InetSocketAddress tcpAddress() {
    return tcp;
  }

  /** Whether both ports speak TLS (parley.edge.tls). */
  public boolean tls() {
    return tls;
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    log.info("Node {} stopped", system.name());
  }
}
