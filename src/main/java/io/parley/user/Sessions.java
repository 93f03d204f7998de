package io.parley.user;

import com.typesafe.config.Config;
import io.parley.push.Push;
import io.parley.timeline.Entry;
import io.parley.tracing.TraceSpan;
import io.parley.tracing.Tracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * A user's connected device sessions, in memory only: they vanish with the entity's incarnation,
 * and edge sessions attach again when it stops ({@link Push.AttachAgain}), when a core node is
 * removed, and every {@code parley.session.refresh}. Presence follows from them: the first session
 * makes the user online, the last one to leave makes them offline. A session that re-attaches while
 * known changes nothing, so the refresh never re-announces "online".
 *
 * <p>A new incarnation knows none of the sessions its predecessor had, and pushes that reach it
 * before they attach again would miss them. So for its first {@code missedWindow} it remembers the
 * highest seq it pushed per conversation, and tells each session that attaches in that time ({@link
 * Push.Missed}), which reads what it lacks from the journal.
 *
 * <p>Each session's device and login token id are kept beside it: a device with a live session is
 * not pushed ({@link PushHandlers}), and logging a token out removes the push registrations of the
 * devices that used it.
 *
 * <p>Exact-size arrays rather than a hash map: most users have one session, a few have a handful
 * (bounded per edge node by {@code parley.session.max-sockets-per-user}), and every online user's
 * entity holds this; a map with one entry cost about 160 bytes.
 */
final class Sessions {
  @SuppressWarnings("unchecked")
  private static final ActorRef<Push>[] NONE = new ActorRef[0];

  private final ActorContext<UserEntity.Command> ctx;
  private static final String[] NO_IDS = new String[0];

  private ActorRef<Push>[] sessions = NONE;
  // Per session (same index): its device id and the id of the token it authenticated with.
  private String[] devices = NO_IDS;
  private String[] tokenIds = NO_IDS;
  // System.nanoTime() at which this incarnation's first missedWindow ends.
  private final long youngUntil;
  // Per conversation, the highest seq pushed while this incarnation is young; null before the
  // first push and once the window has passed.
  private Map<String, Long> pushedYoung;

  Sessions(ActorContext<UserEntity.Command> ctx, long missedWindowNanos) {
    this.ctx = ctx;
    this.youngUntil = System.nanoTime() + missedWindowNanos;
  }

  /**
   * How long a new incarnation tells the sessions that attach to it what it pushed before: until
   * the slowest of them attaches again, at its refresh (parley.session.refresh, checked on a tick
   * every half heartbeat), or within parley.session.reattach-spread of being told to.
   */
  static Duration missedWindow(Config config) {
    Duration refresh = config.getDuration("parley.session.refresh");
    Duration tick = config.getDuration("parley.session.heartbeat").dividedBy(2);
    return refresh.plus(tick).plus(config.getDuration("parley.session.reattach-spread"));
  }

  /** Adds session; true if the user had none, i.e. just came online. */
  boolean attach(ActorRef<Push> session, String device, String tokenId) {
    if (indexOf(session) >= 0) return false;
    boolean first = sessions.length == 0;
    int n = sessions.length + 1;
    sessions = Arrays.copyOf(sessions, n);
    devices = Arrays.copyOf(devices, n);
    tokenIds = Arrays.copyOf(tokenIds, n);
    sessions[n - 1] = session;
    devices[n - 1] = device;
    tokenIds[n - 1] = tokenId;
    // A session on a node that dies never detaches itself.
    ctx.watchWith(session, new UserEntity.Detach(session));
    if (young() && pushedYoung != null) session.tell(new Push.Missed(Map.copyOf(pushedYoung)));
    return first;
  }

  /** Removes session; true if it was the last one, i.e. the user just went offline. */
  boolean detach(ActorRef<Push> session) {
    int i = indexOf(session);
    if (i < 0) return false;
    int last = sessions.length - 1;
    ActorRef<Push>[] left = Arrays.copyOf(sessions, last);
    String[] leftDevices = Arrays.copyOf(devices, last);
    String[] leftTokens = Arrays.copyOf(tokenIds, last);
    if (i < last) {
      left[i] = sessions[last];
      leftDevices[i] = devices[last];
      leftTokens[i] = tokenIds[last];
    }
    sessions = last == 0 ? NONE : left;
    devices = last == 0 ? NO_IDS : leftDevices;
    tokenIds = last == 0 ? NO_IDS : leftTokens;
    ctx.unwatch(session);
    return sessions.length == 0;
  }

  boolean online() {
    return sessions.length > 0;
  }

  /** Whether a session of this device is attached. */
  boolean live(String device) {
    for (String d : devices) if (device.equals(d)) return true;
    return false;
  }

  /** The devices of the sessions that authenticated with this token. */
  List<String> devicesWith(String tokenId) {
    List<String> found = new ArrayList<>();
    for (int i = 0; i < tokenIds.length; i++)
      if (tokenId.equals(tokenIds[i])) found.add(devices[i]);
    return found;
  }

  void push(Push push) {
    for (ActorRef<Push> session : sessions) session.tell(push);
  }

  /** An entry for the user's sessions, remembered while this incarnation is young. */
  void deliver(Entry entry) {
    push(new Push.Delivery(entry));
    remember(entry);
  }

  /**
   * Pushes an entry whose send is traced, in a {@code parley.deliver} span that the sessions'
   * writes continue. Only traced pushes come here, so an untraced one never looks up the tracer.
   */
  void pushTraced(Entry entry, String traceparent, String user) {
    TraceSpan span =
        Tracing.get(ctx.getSystem()).deliver(traceparent, entry.conv(), entry.seq(), user);
    push(new Push.Delivery(entry, span == null ? null : span.traceparent()));
    remember(entry);
    if (span != null) span.sessions(sessions.length).end();
  }

  private void remember(Entry entry) {
    if (!young()) return;
    if (pushedYoung == null) pushedYoung = new HashMap<>();
    pushedYoung.merge(entry.conv(), entry.seq(), Math::max);
  }

  /** Whether this incarnation is within its first missedWindow (the record is dropped after). */
  private boolean young() {
    if (System.nanoTime() - youngUntil <= 0) return true;
    pushedYoung = null;
    return false;
  }

  private int indexOf(ActorRef<Push> session) {
    for (int i = 0; i < sessions.length; i++) {
      if (sessions[i].equals(session)) return i;
    }
    return -1;
  }
}
