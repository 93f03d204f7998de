package io.parley.user;

import io.parley.CborSerializable;

/**
 * A user's account in the user entity's state: the password hash (null until registered), the
 * profile, and when the last session left (epoch ms, 0 = never).
 */
public record Account(String passwordHash, String nickname, String avatar, long lastSeen)
    implements CborSerializable {
  static final Account NONE = new Account(null, null, null, 0);

  boolean registered() {
    return passwordHash != null;
  }

  Account registered(String hash, String name) {
    return new Account(hash, name, avatar, lastSeen);
  }

  Account profile(String name, String picture) {
    return new Account(passwordHash, name, picture, lastSeen);
  }

  Account wentOffline(long ts) {
    return new Account(passwordHash, nickname, avatar, ts);
  }
}
