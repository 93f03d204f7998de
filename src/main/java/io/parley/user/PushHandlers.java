package io.parley.user;

import io.parley.notifications.Notification;
import io.parley.timeline.Entry;
import io.parley.user.ConversationNotices.Counts;
import io.parley.user.PushDevices.Registered;
import io.parley.user.PushProtocol.GetPushDevices;
import io.parley.user.PushProtocol.PushDeviceRegistered;
import io.parley.user.PushProtocol.PushDeviceRemoved;
import io.parley.user.PushProtocol.PushDue;
import io.parley.user.PushProtocol.PushNotified;
import io.parley.user.PushProtocol.PushReady;
import io.parley.user.PushProtocol.RegisterPushDevice;
import io.parley.user.PushProtocol.RemovePushDevice;
import io.parley.user.PushProtocol.UnregisterPushDevice;
import io.parley.user.UserEntity.Event;
import io.parley.user.UserEntity.PushCommand;
import io.parley.user.UserEntity.State;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The user entity's push devices and its pushes to them. Registrations are state ({@link
 * PushDevices}). An entry of the user's conversations (text or recall; system entries only if
 * {@code parley.push.system-entries}), not the user's own, opens or joins its conversation's burst
 * ({@link Coalescer}) while a registered device has no live session; when the window ends, each
 * device still without a live session, whose delivery cursor does not cover the entry, gets one
 * {@link Notification}, with the sender's nickname and the badge ({@link Badge}) looked up first.
 * Before the pushes go to the node's sink, one event stores that the conversation was notified up
 * to that seq: a (device, conv, seq) is pushed at most once, also after a restart. Part of one user
 * entity's actor.
 */
final class PushHandlers {
  private final EffectFactories<Event, State> effects;
  private final ActorContext<UserEntity.Command> ctx;
  private final String userId;
  private final Sessions sessions;
  private final UserDeps deps;
  private final Coalescer coalescer;
  private Badge badge; // null until the user has push devices (most entities never push)

  PushHandlers(
      EffectFactories<Event, State> effects,
      ActorContext<UserEntity.Command> ctx,
      Coalescer coalescer,
      String userId,
      Sessions sessions,
      UserDeps deps) {
    this.effects = effects;
    this.ctx = ctx;
    this.coalescer = coalescer;
    this.userId = userId;
    this.sessions = sessions;
    this.deps = deps;
  }

  ReplyEffect<Event, State> on(State state, PushCommand command) {
    if (command instanceof PushDue c) return onDue(state, c);
    if (command instanceof PushReady c) return onReady(state, c);
    if (command instanceof RegisterPushDevice c) return onRegister(state, c);
    if (command instanceof UnregisterPushDevice c) return onUnregister(state, c);
    if (command instanceof RemovePushDevice c) return onRemoveDead(state, c);
    return effects.reply(((GetPushDevices) command).replyTo(), state.push().view());
  }

  private ReplyEffect<Event, State> onRegister(State state, RegisterPushDevice cmd) {
    PushDevices.Device now = state.push().devices().get(cmd.device());
    if (now != null
        && now.provider() == cmd.provider()
        && now.token().equals(cmd.token())
        && now.preview() == cmd.preview()
        && java.util.Objects.equals(now.tokenId(), cmd.tokenId())) {
      return effects.reply(cmd.replyTo(), Registered.DONE); // an app registers at every start
    }
    if (state.push().full(cmd.device(), cmd.provider(), cmd.token(), deps.push().maxDevices()))
      return effects.reply(cmd.replyTo(), Registered.TOO_MANY);
    var registered =
        new PushDeviceRegistered(
            cmd.device(),
            cmd.provider(),
            cmd.token(),
            cmd.preview(),
            cmd.tokenId(),
            System.currentTimeMillis());
    return effects.persist(registered).thenReply(cmd.replyTo(), s -> Registered.DONE);
  }

  private ReplyEffect<Event, State> onUnregister(State state, UnregisterPushDevice cmd) {
    return remove(state.push().devices().containsKey(cmd.device()), cmd.device(), cmd.replyTo());
  }

  /** Only while the device still has that token: it may have registered a new one meanwhile. */
  private ReplyEffect<Event, State> onRemoveDead(State state, RemovePushDevice cmd) {
    return remove(state.push().holds(cmd.device(), cmd.token()), cmd.device(), cmd.replyTo());
  }

  private ReplyEffect<Event, State> remove(boolean present, String device, ActorRef<Done> replyTo) {
    if (!present) {
      return replyTo == null ? effects.noReply() : effects.reply(replyTo, Done.getInstance());
    }
    var removed = effects.persist(new PushDeviceRemoved(device));
    return replyTo == null
        ? removed.thenNoReply()
        : removed.thenReply(replyTo, s -> Done.getInstance());
  }

  /** An entry of one of the user's conversations, just pushed to the live sessions. */
  void saw(State state, Entry entry) {
    if (!deps.pushesOn()) return;
    if (state.push().isEmpty()) {
      badge = null;
      return;
    }
    badge().saw(entry);
    if (!deps.push().pushes(entry.kind()) || userId.equals(entry.from())) return;
    if (entry.seq() <= state.push().notified(entry.conv())) return;
    for (String device : state.push().devices().keySet()) {
      if (!sessions.live(device)) {
        coalescer.add(entry);
        return;
      }
    }
  }

  private Badge badge() {
    if (badge == null) badge = new Badge(userId);
    return badge;
  }

  /** A burst's window ended: look up what its pushes need, unless no device needs one now. */
  private ReplyEffect<Event, State> onDue(State state, PushDue due) {
    Coalescer.Burst burst = coalescer.take(due.conv());
    if (burst == null || targets(state, burst.latest()).isEmpty()) return effects.noReply();
    String sender = burst.latest().from();
    Duration timeout = deps.push().lookupTimeout();
    CompletionStage<String> name =
        deps.sharding()
            .entityRefFor(UserEntity.ENTITY_KEY, sender)
            .<UserEntity.Profile>ask(UserEntity.GetProfile::new, timeout)
            .handle((p, failure) -> p != null && p.nickname() != null ? p.nickname() : sender);
    ctx.pipeToSelf(
        name.thenCombine(
            summaries(badge().unsummarized(state.inbox().reads().keySet()), timeout),
            (n, counts) -> new PushReady(due.conv(), burst, n, counts)),
        (ready, failure) ->
            ready != null ? ready : new PushReady(due.conv(), burst, sender, Map.of()));
    return effects.noReply();
  }

  /**
   * The counts of conversations this incarnation has not summarized, a few at a time. One that does
   * not answer is left out (the badge counts what is known; the next push asks again); one the user
   * may no longer use counts nothing.
   */
  private CompletionStage<Map<String, Counts>> summaries(List<String> convs, Duration timeout) {
    if (convs.isEmpty()) return CompletableFuture.completedFuture(Map.of());
    Counts none = new Counts(0, 0, 0);
    return Source.from(convs)
        .mapAsyncUnordered(
            deps.push().summaryParallelism(),
            conv ->
                deps.notices()
                    .counts(conv, userId, timeout)
                    .handle(
                        (counts, failure) ->
                            failure != null
                                ? Optional.<Map.Entry<String, Counts>>empty()
                                : Optional.of(Map.entry(conv, counts.orElse(none)))))
        .runWith(Sink.seq(), ctx.getSystem())
        .thenApply(
            answered -> {
              Map<String, Counts> counts = new HashMap<>();
              answered.forEach(a -> a.ifPresent(e -> counts.put(e.getKey(), e.getValue())));
              return counts;
            });
  }

  /**
   * The lookups are in: the devices that still need the push get it, once the conversation's
   * notified seq is stored (at most once: a node that dies right after loses these pushes).
   */
  private ReplyEffect<Event, State> onReady(State state, PushReady ready) {
    badge().summaries(ready.summaries());
    Entry latest = ready.burst().latest();
    List<String> devices = targets(state, latest);
    if (devices.isEmpty()) return effects.noReply();
    long unread = badge().total(state.inbox());
    List<Notification> pushes =
        devices.stream()
            .map(d -> notification(d, state.push().devices().get(d), ready, unread))
            .toList();
    return effects
        .persist(new PushNotified(latest.conv(), latest.seq(), devices))
        .thenRun(s -> pushes.forEach(deps.pushes()::offer))
        .thenNoReply();
  }

  /**
   * The devices that need a push of this entry now: registered, no live session, their delivery
   * cursor below it, and the conversation not notified up to it (the user still in it).
   */
  private List<String> targets(State state, Entry entry) {
    String conv = entry.conv();
    if (!state.isMember(conv) || entry.seq() <= state.push().notified(conv)) return List.of();
    return state.push().devices().keySet().stream()
        .filter(device -> !sessions.live(device))
        .filter(device -> delivered(state, device, conv) < entry.seq())
        .sorted()
        .toList();
  }

  private static long delivered(State state, String device, String conv) {
    return state.inbox().delivered().getOrDefault(device, Map.of()).getOrDefault(conv, 0L);
  }

  private Notification notification(
      String device, PushDevices.Device registration, PushReady ready, long unread) {
    Entry e = ready.burst().latest();
    return new Notification(
        userId,
        device,
        registration.provider(),
        registration.token(),
        e.conv(),
        e.seq(),
        e.kind(),
        e.from(),
        ready.senderName(),
        registration.preview() ? preview(e) : null,
        ready.burst().count(),
        unread,
        e.ts());
  }

  /** A text entry's body, cut to parley.push.preview-max-chars code points; null for the rest. */
  private String preview(Entry e) {
    if (!"text".equals(e.kind()) || e.body() == null || !e.body().isTextual()) return null;
    String text = e.body().textValue();
    int max = deps.push().previewMaxChars();
    if (text.codePointCount(0, text.length()) <= max) return text;
    return text.substring(0, text.offsetByCodePoints(0, max));
  }
}
