package io.parley.user;

import io.parley.CborSerializable;

/**
 * A user's account in the user entity's state: the password hash (null until registered), the
 * profile, and when the last session left (epoch ms, 0 = never). {@code unfindable}: the user opted
 * out of search; {@code listed}: the nickname the people directory holds the user under, as far as
 * this entity has seen it written (null: not listed, or never written: {@link DirectoryListing}).
 */
public record Account(
    String passwordHash,
    String nickname,
    String avatar,
    long lastSeen,
    boolean unfindable,
    String listed)
    implements CborSerializable {
  static final Account NONE = new Account(null, null, null, 0);

  /** An account as snapshots before the directory (December 2026) hold it. */
  public Account(String passwordHash, String nickname, String avatar, long lastSeen) {
    this(passwordHash, nickname, avatar, lastSeen, false, null);
  }

  boolean registered() {
    return passwordHash != null;
  }

  /** The profile as {@code GetProfile} answers it. */
  UserEntity.Profile profile() {
    return new UserEntity.Profile(registered(), nickname, avatar, findable());
  }

  /** Findable by default: an opt-out, stored as such, so old snapshots read as findable. */
  boolean findable() {
    return !unfindable;
  }

  /** The nickname the directory should list the user under; null: not at all. */
  String listing() {
    return registered() && findable() ? nickname : null;
  }

  Account registered(String hash, String name) {
    return new Account(hash, name, avatar, lastSeen, unfindable, listed);
  }

  Account profile(String name, String picture) {
    return new Account(passwordHash, name, picture, lastSeen, unfindable, listed);
  }

  Account wentOffline(long ts) {
    return new Account(passwordHash, nickname, avatar, ts, unfindable, listed);
  }

  Account findable(boolean findable) {
    return new Account(passwordHash, nickname, avatar, lastSeen, !findable, listed);
  }

  Account listedAs(String name) {
    return new Account(passwordHash, nickname, avatar, lastSeen, unfindable, name);
  }
}
