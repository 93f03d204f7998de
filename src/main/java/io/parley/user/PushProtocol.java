package io.parley.user;

import io.parley.notifications.Provider;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The user entity's commands and events of push devices and pushes ({@link PushHandlers}), apart
 * from {@link UserEntity} only to keep that file readable: they are its {@link
 * UserEntity.PushCommand}s and {@link UserEntity.PushEvent}s.
 */
public final class PushProtocol {
  private PushProtocol() {}

  /**
   * Registers device for pushes, or replaces its registration ({@link PushDevices}); {@code
   * tokenId}: the login token of the request (logging it out removes the registration).
   */
  public record RegisterPushDevice(
      String device,
      Provider provider,
      String token,
      boolean preview,
      String tokenId,
      ActorRef<PushDevices.Registered> replyTo)
      implements UserEntity.PushCommand {}

  /** Removes device's push registration (Done also when there was none). */
  public record UnregisterPushDevice(String device, ActorRef<Done> replyTo)
      implements UserEntity.PushCommand {}

  public record GetPushDevices(ActorRef<PushDevices.View> replyTo)
      implements UserEntity.PushCommand {}

  /**
   * A provider refused token for good: device's registration goes if it still has that token (the
   * device may have registered a new one meanwhile). {@code replyTo} may be null.
   */
  public record RemovePushDevice(String device, String token, ActorRef<Done> replyTo)
      implements UserEntity.PushCommand {}

  /** A conversation's burst of entries is due for pushes ({@link Coalescer}; local only). */
  record PushDue(String conv) implements UserEntity.PushCommand {}

  /** What a due burst's pushes needed of other entities ({@link PushHandlers}; local only). */
  record PushReady(
      String conv,
      Coalescer.Burst burst,
      String senderName,
      Map<String, ConversationNotices.Counts> summaries)
      implements UserEntity.PushCommand {}

  /** device registered at ts (epoch ms), replacing its registration and any other of token. */
  public record PushDeviceRegistered(
      String device, Provider provider, String token, boolean preview, String tokenId, long ts)
      implements UserEntity.PushEvent {}

  public record PushDeviceRemoved(String device) implements UserEntity.PushEvent {}

  /** Pushes of conv up to seq were handed over (to devices): none of them is ever made again. */
  public record PushNotified(String conv, long seq, List<String> devices)
      implements UserEntity.PushEvent {}
}
