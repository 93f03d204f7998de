package io.parley.user;

import java.util.regex.Pattern;

/** User ids: 3-32 chars of [a-z0-9_.-] (docs/protocol.md section 6). */
public final class UserId {
  private static final Pattern VALID = Pattern.compile("[a-z0-9_.-]{3,32}");

  private UserId() {}

  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }
}
