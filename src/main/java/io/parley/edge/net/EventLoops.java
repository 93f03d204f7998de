package io.parley.edge.net;

import com.typesafe.config.Config;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

/**
 * One actor system's socket threads: the Netty event loops that read and write the sockets, and
 * also the executor of the dispatcher that runs the sockets' streams and connection actors ({@code
 * parley.edge.socket-dispatcher}). A byte read, its frame's decoding, the session's handling of it
 * and the bytes written back then stay on one thread, handed on through task queues rather than by
 * waking another thread (on this 2-core box a wake-up cost more CPU than the frame's own work:
 * docs/benchmarks.md). Only the hops to and from the entities, on the default dispatcher, cross
 * threads.
 */
public final class EventLoops {
  private EventLoops() {}

  // Per actor system (its Settings object is one per system, and what a dispatcher is handed).
  private static final Map<ActorSystem.Settings, EventLoopGroup> GROUPS = new ConcurrentHashMap<>();

  /** The system's event loops, made on first use with {@code threads} threads. */
  static EventLoopGroup of(ActorSystem.Settings system, int threads) {
    return GROUPS.computeIfAbsent(system, s -> create(s.name(), threads));
  }

  static boolean epoll() {
    return Epoll.isAvailable();
  }

  private static EventLoopGroup create(String systemName, int threads) {
    // Daemon threads: the actor system's termination, not these, decides when the JVM may exit.
    ThreadFactory named = new DefaultThreadFactory(systemName + "-edge-io", true);
    // Linux's epoll through Netty's native transport (edge-triggered); the JDK's selector
    // elsewhere.
    return epoll()
        ? new EpollEventLoopGroup(threads, named)
        : new NioEventLoopGroup(threads, named);
  }

  /** Stops the loops; sockets still lingering after a clean close get at most {@code linger}. */
  static void shutdown(ActorSystem.Settings system, java.time.Duration linger) {
    EventLoopGroup group = GROUPS.remove(system);
    if (group != null) group.shutdownGracefully(0, linger.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The dispatcher's executor on the event loops. An actor's (or stream's) mailbox is always run by
   * the same loop, picked by its identity, so its messages queue behind the socket work of that
   * loop instead of bouncing between threads.
   */
  public static final class Configurator extends ExecutorServiceConfigurator {
    private final int threads;
    private final ActorSystem.Settings system;

    public Configurator(Config config, DispatcherPrerequisites prerequisites) {
      super(config, prerequisites);
      this.threads = config.getInt("threads");
      this.system = prerequisites.settings();
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory ignored) {
      return () -> new OnLoops(of(system, threads));
    }
  }

  private static final class OnLoops extends AbstractExecutorService {
    private final EventLoop[] loops;

    OnLoops(EventLoopGroup group) {
      List<EventLoop> all = new ArrayList<>();
      for (EventExecutor e : group) all.add((EventLoop) e);
      this.loops = all.toArray(new EventLoop[0]);
    }

    @Override
    public void execute(Runnable task) {
      loops[loops.length == 1 ? 0 : Math.floorMod(System.identityHashCode(task), loops.length)]
          .execute(task);
    }

    // The loops are the socket server's too: the dispatcher does not stop them (the node does).
    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
