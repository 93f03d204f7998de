package io.parley.http;

import java.net.URI;
import java.net.URISyntaxException;

/** What a nickname and an avatar may be (PROTOCOL.md section 6; docs/protocol.md "People"). */
final class ProfileFields {
  static final int MAX_NICKNAME = 64;

  private ProfileFields() {}

  static boolean validNickname(String nickname) {
    return nickname != null && !nickname.isBlank() && nickname.length() <= MAX_NICKNAME;
  }

  /** An absolute http or https URL with a host, at most maxChars long. */
  static boolean validAvatar(String url, int maxChars) {
    if (url == null || url.length() > maxChars) return false;
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      return uri.isAbsolute()
          && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
          && uri.getHost() != null
          && !uri.getHost().isEmpty();
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
