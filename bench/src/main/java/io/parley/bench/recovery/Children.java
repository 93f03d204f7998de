package io.parley.bench.recovery;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Spawns and stops the benchmark's actors from its main thread, through the system's guardian. A
 * stop is answered only once the child has terminated, so an entity's next incarnation never
 * overlaps the previous one (that overlap would be two writers of one timeline).
 */
final class Children {
  /**
   * Bounds a spawn, a stop or a registration: one local message each; only a stuck system waits.
   */
  static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(30);

  sealed interface Control {}

  record Spawn<T>(Behavior<T> behavior, String name, ActorRef<ActorRef<T>> replyTo)
      implements Control {}

  record Stop(ActorRef<?> child, ActorRef<Done> replyTo) implements Control {}

  private final ActorSystem<Control> system;
  private final AtomicInteger names = new AtomicInteger();

  Children(ActorSystem<Control> system) {
    this.system = system;
  }

  static Behavior<Control> guardian() {
    return Behaviors.setup(
        ctx -> {
          Set<ActorRef<?>> alive = new HashSet<>();
          Map<ActorRef<?>, ActorRef<Done>> stopping = new HashMap<>();
          return Behaviors.receive(Control.class)
              .onMessage(
                  Control.class,
                  cmd -> {
                    if (cmd instanceof Spawn<?> spawn) {
                      alive.add(spawnChild(ctx, spawn));
                    } else if (cmd instanceof Stop stop) {
                      if (alive.contains(stop.child())) {
                        stopping.put(stop.child(), stop.replyTo());
                        ctx.stop(stop.child());
                      } else {
                        stop.replyTo().tell(Done.getInstance());
                      }
                    }
                    return Behaviors.same();
                  })
              .onSignal(
                  Terminated.class,
                  terminated -> {
                    alive.remove(terminated.getRef());
                    ActorRef<Done> waiting = stopping.remove(terminated.getRef());
                    if (waiting != null) waiting.tell(Done.getInstance());
                    else ctx.getLog().warn("{} stopped on its own", terminated.getRef());
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static <T> ActorRef<T> spawnChild(ActorContext<Control> ctx, Spawn<T> spawn) {
    ActorRef<T> child = ctx.spawn(spawn.behavior(), spawn.name());
    ctx.watch(child);
    spawn.replyTo().tell(child);
    return child;
  }

  <T> ActorRef<T> spawn(Behavior<T> behavior, String prefix) throws Exception {
    String name = prefix + "-" + names.incrementAndGet();
    return await(
        AskPattern.<Control, ActorRef<T>>ask(
            system, r -> new Spawn<>(behavior, name, r), CONTROL_TIMEOUT, system.scheduler()),
        CONTROL_TIMEOUT);
  }

  void stop(ActorRef<?> child) throws Exception {
    await(
        AskPattern.<Control, Done>ask(
            system, r -> new Stop(child, r), CONTROL_TIMEOUT, system.scheduler()),
        CONTROL_TIMEOUT);
  }

  /** Blocks the main thread only; no callback runs on the common pool. */
  static <T> T await(CompletionStage<T> stage, Duration timeout) throws Exception {
    return stage.toCompletableFuture().get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
  }
}
