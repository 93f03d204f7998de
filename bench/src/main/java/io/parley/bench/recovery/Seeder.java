package io.parley.bench.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationEntity.Event;
import io.parley.conversation.ConversationId;
import io.parley.conversation.StoredEntries;
import io.parley.conversation.Timeline;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.EventAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.Recovery;

/**
 * Writes timeline events exactly as {@link ConversationEntity} does (same persistence id, same
 * event class and serializer, encrypted at rest the same way), but many per write. Recovery is
 * disabled: it only needs the journal's highest seq, never the timeline or the entity's snapshots
 * (not its state type).
 */
final class Seeder extends EventSourcedBehavior<Seeder.Append, Event, Long> {
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);

  /** Seeding writes in flight: one persisting, one waiting in the behavior's stash. */
  private static final int PIPELINE = 2;

  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

  /** Append {@code count} events, the first getting seq {@code first}; replies the last seq. */
  record Append(long first, int count, ActorRef<StatusReply<Long>> replyTo) {}

  /** How many events a seeding wrote and how long it took. */
  record Seeding(long events, long nanos) {
    double perSecond() {
      return events * 1e9 / nanos;
    }
  }

  private final ActorContext<Append> ctx;
  private final List<String> members;
  private final JsonNode body;
  private final StoredEntries stored;

  static Behavior<Append> create(ConversationId conv, JsonNode body) {
    return Behaviors.setup(ctx -> new Seeder(ctx, conv, body));
  }

  private Seeder(ActorContext<Append> ctx, ConversationId conv, JsonNode body) {
    super(ConversationEntity.persistenceId(conv.value()));
    this.ctx = ctx;
    this.members = conv.members();
    this.body = body;
    this.stored = StoredEntries.of(ctx.getSystem(), conv.value());
  }

  @Override
  public EventAdapter<Event, Object> eventAdapter() {
    return stored.events();
  }

  /**
   * Appends {@code count} events after seq {@code after} under the conversation's id, {@code batch}
   * per write, and checks that the journal ends at {@code after + count}.
   */
  static Seeding seed(
      Children children,
      ActorSystem<?> system,
      ConversationId conv,
      JsonNode body,
      long after,
      long count,
      int batch,
      long partitionSize)
      throws Exception {
    ActorRef<Append> seeder = children.spawn(create(conv, body), "seeder");
    long end = after + count;
    long start = System.nanoTime();
    long nextReport = start + PROGRESS_EVERY.toNanos();
    long next = after + 1;
    long done = after;
    Deque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
    while (next <= end || !inFlight.isEmpty()) {
      if (next <= end && inFlight.size() < PIPELINE) {
        // Never across a partition boundary: the plugin would put the whole batch in the later
        // partition, a layout one-at-a-time writes never make.
        long toBoundary = partitionSize - (next - 1) % partitionSize;
        int n = (int) Math.min(Math.min(batch, end - next + 1), toBoundary);
        long first = next;
        inFlight.add(
            AskPattern.<Append, Long>askWithStatus(
                    seeder, r -> new Append(first, n, r), WRITE_TIMEOUT, system.scheduler())
                .toCompletableFuture());
        next += n;
        continue;
      }
      done = Children.await(inFlight.poll(), WRITE_TIMEOUT);
      long now = System.nanoTime();
      if (now >= nextReport) {
        RecoveryBenchmark.say(
            "  seeding %s: %d/%d events (%.0f events/s)",
            conv.value(), done - after, count, (done - after) * 1e9 / (now - start));
        nextReport = now + PROGRESS_EVERY.toNanos();
      }
    }
    long nanos = System.nanoTime() - start;
    children.stop(seeder);
    if (done != end) throw new IllegalStateException("seeded up to " + done + ", expected " + end);
    Seeding seeding = new Seeding(count, nanos);
    RecoveryBenchmark.say(
        "  seeded %s: %d events in %.1f s (%.0f events/s), last seq %d",
        conv.value(), count, nanos / 1e9, seeding.perSecond(), done);
    return seeding;
  }

  @Override
  public Long emptyState() {
    return 0L;
  }

  @Override
  public Recovery recovery() {
    return Recovery.disabled();
  }

  @Override
  public CommandHandler<Append, Event, Long> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onCommand(Append.class, this::append).build();
  }

  private Effect<Event, Long> append(Long appended, Append cmd) {
    long next = lastSequenceNumber(ctx) + 1;
    if (cmd.first() != next) {
      cmd.replyTo().tell(StatusReply.error("next seq is " + next + ", not " + cmd.first()));
      return Effect().none();
    }
    long ts = System.currentTimeMillis();
    List<Event> events = new ArrayList<>(cmd.count());
    for (long seq = next; seq < next + cmd.count(); seq++) {
      String from = members.get((int) (seq % members.size()));
      events.add(new Timeline.Posted(from, "seed-" + seq, body, ts));
    }
    return Effect()
        .persist(events)
        .thenRun(s -> cmd.replyTo().tell(StatusReply.success(lastSequenceNumber(ctx))));
  }

  @Override
  public EventHandler<Long, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Timeline.Posted.class, (appended, e) -> appended + 1)
        .build();
  }
}
