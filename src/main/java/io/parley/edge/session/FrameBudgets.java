package io.parley.edge.session;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.Counter;
import io.parley.edge.budgets.KeyedBudgets;
import io.parley.edge.budgets.RateLimiter;
import io.parley.metrics.Metrics;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The budgets of every frame a client sends after hello ({@code parley.limits.frames}): per frame
 * class, a token bucket per connection and one per user that all of the user's connections on this
 * edge node draw from. A frame over either is refused ({@code rate_limited}) and nothing of it is
 * done; a frame draws from both or neither.
 */
public final class FrameBudgets {

  /** Frames grouped by what one costs the node. */
  enum FrameClass {
    SEND("send"),
    TYPING("typing"),
    ACKS("acks"),
    READS("reads"),
    QUERIES("queries"),
    CHANGES("changes"),
    ROOMS("rooms"),
    CONTROL("control");

    final String key;
    final Counter refused;

    FrameClass(String key) {
      this.key = key;
      this.refused =
          Counter.builder("parley.frames.refused")
              .description("frames answered rate_limited, by frame class (parley.limits.frames)")
              .tag("class", key)
              .register(Metrics.REGISTRY);
    }

    static FrameClass of(ClientFrame f) {
      if (f instanceof ClientFrame.Send) return SEND;
      if (f instanceof ClientFrame.Ack a)
        return a.rid() == null ? ACKS : READS; // with a rid it is stored at once
      if (f instanceof ClientFrame.Typing) return TYPING;
      if (f instanceof ClientFrame.Read) return READS;
      if (f instanceof ClientFrame.History
          || f instanceof ClientFrame.Contacts
          || f instanceof ClientFrame.FindPeople
          || f instanceof ClientFrame.PresenceQuery
          || f instanceof ClientFrame.Members) return QUERIES;
      if (f instanceof ClientFrame.Join j) return SessionRooms.isRoom(j.conv()) ? ROOMS : CHANGES;
      if (f instanceof ClientFrame.Leave l) return SessionRooms.isRoom(l.conv()) ? ROOMS : CHANGES;
      if (f instanceof ClientFrame.GroupOp
          || f instanceof ClientFrame.Create
          || f instanceof ClientFrame.ContactOp
          || f instanceof ClientFrame.PushOp) {
        return CHANGES;
      }
      return CONTROL; // ping, and a hello after hello
    }
  }

  /** Per frame class (in {@link FrameClass} order), the budget per connection and per user. */
  public record Settings(List<RateLimiter> perConnection, List<RateLimiter> perUser, int maxUsers) {
    public static Settings from(Config config) {
      Config frames = config.getConfig("parley.limits.frames");
      List<RateLimiter> connection = new ArrayList<>();
      List<RateLimiter> user = new ArrayList<>();
      for (FrameClass c : FrameClass.values()) {
        connection.add(RateLimiter.from(frames.getConfig(c.key), ""));
        user.add(RateLimiter.from(frames.getConfig(c.key), "user-"));
      }
      return new Settings(List.copyOf(connection), List.copyOf(user), frames.getInt("max-users"));
    }
  }

  private final RateLimiter[] perConnection;
  private final KeyedBudgets<String> users;

  public FrameBudgets(Settings settings) {
    this.perConnection = settings.perConnection().toArray(RateLimiter[]::new);
    this.users = new KeyedBudgets<>(settings.perUser(), settings.maxUsers());
  }

  /** The budgets of a new connection of {@code user}. */
  Connection connection(String user) {
    return new Connection(user);
  }

  /** One connection's buckets (the connection's actor alone uses them). */
  final class Connection {
    private final String user;
    private final long[] fullAt = new long[perConnection.length];

    private Connection(String user) {
      this.user = user;
      Arrays.fill(fullAt, RateLimiter.FULL);
    }

    /** Null when the frame may be acted on (its tokens are taken); else the error to answer. */
    ServerFrame.Error refuse(ClientFrame frame) {
      FrameClass c = FrameClass.of(frame);
      int slot = c.ordinal();
      long now = System.nanoTime();
      long wait = perConnection[slot].wait(fullAt[slot], now);
      if (wait == 0) wait = users.take(user, slot, now);
      if (wait > 0) return refusal(frame, c, wait);
      fullAt[slot] = perConnection[slot].take(fullAt[slot], now);
      return null;
    }
  }

  private static ServerFrame.Error refusal(ClientFrame frame, FrameClass c, long waitNanos) {
    c.refused.increment();
    long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos));
    String what =
        c == FrameClass.SEND ? "sends; retry with the same cid" : c.key + " frames; retry";
    return ServerFrame.Error.of(
        frame.rid(), ErrorCode.RATE_LIMITED, "too many " + what + " in " + ms + " ms or later");
  }
}
