package io.parley.user;

import io.parley.CborSerializable;
import java.util.HashMap;
import java.util.Map;

/**
 * A user's revoked login tokens (logout): token id to the token's expiry (epoch ms). A token that
 * has expired fails its own check, so it is forgotten at the next revocation; the map holds at most
 * the tokens revoked within one token lifetime.
 */
public record RevokedTokens(Map<String, Long> expiries) implements CborSerializable {
  static final RevokedTokens NONE = new RevokedTokens(Map.of());

  public RevokedTokens {
    expiries = expiries == null ? Map.of() : expiries;
  }

  boolean contains(String tokenId) {
    return expiries.containsKey(tokenId);
  }

  RevokedTokens plus(String tokenId, long expiresAt, long now) {
    Map<String, Long> kept = new HashMap<>();
    expiries.forEach(
        (id, expiry) -> {
          if (expiry > now) kept.put(id, expiry);
        });
    if (expiresAt > now) kept.put(tokenId, expiresAt);
    return new RevokedTokens(Map.copyOf(kept));
  }
}
