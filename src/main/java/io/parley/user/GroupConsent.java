package io.parley.user;

import com.typesafe.config.Config;
import io.parley.CborSerializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether a user may be put into a group: only a registered user, never by someone they block, and
 * into at most {@code parley.conversation.max-group-adds-per-hour} groups in any hour, whoever adds
 * them. The edge asks each invitee before it tells the conversation to add them.
 */
public final class GroupConsent {
  static final Duration HOUR = Duration.ofHours(1);

  /** The invitee's answer. Only ADDABLE may be added; the others are skipped or refused. */
  public enum Answer implements CborSerializable {
    ADDABLE,
    UNKNOWN_USER,
    BLOCKS_INVITER,
    OVER_HOURLY_CAP
  }

  /**
   * The groups the user was added to within the last hour: conv to when (epoch ms). Adds beyond the
   * cap are refused, so it holds at most the cap.
   */
  public record Adds(Map<String, Long> recent) implements CborSerializable {
    static final Adds NONE = new Adds(Map.of());

    public Adds {
      recent = recent == null ? Map.of() : recent;
    }

    boolean has(String conv, long now) {
      Long at = recent.get(conv);
      return at != null && at > now - HOUR.toMillis();
    }

    long since(long now) {
      return recent.values().stream().filter(at -> at > now - HOUR.toMillis()).count();
    }

    Adds plus(String conv, long at) {
      Map<String, Long> kept = new HashMap<>();
      recent.forEach(
          (c, t) -> {
            if (t > at - HOUR.toMillis()) kept.put(c, t);
          });
      kept.put(conv, at);
      return new Adds(Map.copyOf(kept));
    }
  }

  /** The answer, and whether giving it uses one of the hour's adds (to be stored). */
  record Decision(Answer answer, boolean counts) {}

  private final int maxPerHour;

  GroupConsent(int maxPerHour) {
    this.maxPerHour = maxPerHour;
  }

  static GroupConsent from(Config config) {
    return new GroupConsent(config.getInt("parley.conversation.max-group-adds-per-hour"));
  }

  /**
   * A member already, or added to conv within the hour (a retry): addable, and not counted again.
   */
  Decision decide(UserEntity.State state, String inviter, String conv, long now) {
    if (!state.registered()) return new Decision(Answer.UNKNOWN_USER, false);
    if (state.contacts().blocked().contains(inviter))
      return new Decision(Answer.BLOCKS_INVITER, false);
    if (state.isMember(conv) || state.groupAdds().has(conv, now))
      return new Decision(Answer.ADDABLE, false);
    if (state.groupAdds().since(now) >= maxPerHour)
      return new Decision(Answer.OVER_HOURLY_CAP, false);
    return new Decision(Answer.ADDABLE, true);
  }
}
