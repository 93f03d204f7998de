package io.parley.user;

import io.parley.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The user entity's commands and events of finding people and friends' presence, apart from {@link
 * UserEntity} only to keep that file readable: they are its {@link UserEntity.PeopleCommand}s and
 * {@link UserEntity.PeopleEvent}s.
 */
public final class PeopleProtocol {
  private PeopleProtocol() {}

  /**
   * This user's presence, for {@code asker}: answered only if they are friends (on this side), so
   * presence stays friends-only whatever the asker's side says.
   */
  public record GetPresence(String asker, ActorRef<PresenceView> replyTo)
      implements UserEntity.PeopleCommand {}

  /**
   * {@code friend}: false when the asker is not this user's friend (nothing else is told); {@code
   * lastSeen}: when the last session left (epoch ms, 0 = never).
   */
  public record PresenceView(boolean friend, boolean online, long lastSeen)
      implements CborSerializable {}

  /** Does this user block {@code other}? (Search leaves such pairs out both ways.) */
  public record BlocksUser(String other, ActorRef<Blocks> replyTo)
      implements UserEntity.PeopleCommand {}

  public record Blocks(boolean blocks) implements CborSerializable {}

  /** The directory write of {@link DirectoryListing} ended: ok, or it failed. Self-sent. */
  public record Relisted(String nickname, boolean ok) implements UserEntity.PeopleCommand {}

  /** Try a failed directory write again. Self-sent. */
  public enum ListAgain implements UserEntity.PeopleCommand {
    INSTANCE
  }

  /** The user opted out of search (false) or back in (true). */
  public record FindableSet(boolean findable) implements UserEntity.PeopleEvent {}

  /** The directory now lists the user under {@code nickname} (null: not at all). */
  public record DirectoryListed(String nickname) implements UserEntity.PeopleEvent {}
}
