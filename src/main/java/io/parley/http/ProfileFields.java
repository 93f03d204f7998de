package io.parley.http;

import io.parley.protocol.Text;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * What a nickname and an avatar may be (docs/protocol.md section 6; docs/protocol.md "People"):
 * both are stored, so both must be well-formed Unicode ({@link Text}).
 */
final class ProfileFields {
  static final int MAX_NICKNAME = 64;

  private ProfileFields() {}

  static boolean validNickname(String nickname) {
    return nickname != null
        && !nickname.isBlank()
        && nickname.length() <= MAX_NICKNAME
        && Text.wellFormed(nickname);
  }

  /** An absolute http or https URL with a host, at most maxChars long. */
  static boolean validAvatar(String url, int maxChars) {
    if (url == null || url.length() > maxChars || !Text.wellFormed(url)) return false;
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
