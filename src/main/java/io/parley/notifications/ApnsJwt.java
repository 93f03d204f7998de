package io.parley.notifications;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;

/**
 * APNs provider tokens: ES256 JWTs {alg, kid: key id} {iss: team id, iat}, one at a time, shared by
 * every push and made again after {@code lifetime}. Apple refuses a token older than an hour and
 * renewals more often than every 20 minutes (TooManyProviderTokenUpdates), so a token is never made
 * per push, and one Apple called expired is replaced only once whatever the pushes in flight.
 */
final class ApnsJwt {
  /** A signed token and when it was made. */
  record Token(String value, Instant issued) {}

  private final ECDSASigner signer;
  private final String keyId;
  private final String teamId;
  private final Duration lifetime;
  private final Clock clock;
  private final AtomicReference<Token> current = new AtomicReference<>();

  /** Signs a first token at once, so that a key that cannot sign stops the node at start. */
  ApnsJwt(ECPrivateKey key, String keyId, String teamId, Duration lifetime, Clock clock) {
    if (!Curve.P_256.equals(Curve.forECParameterSpec(key.getParams()))) {
      throw new IllegalArgumentException("holds an EC key that is not on P-256 (ES256)");
    }
    try {
      this.signer = new ECDSASigner(key);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("holds a key that cannot sign ES256: " + e.getMessage());
    }
    this.keyId = keyId;
    this.teamId = teamId;
    this.lifetime = lifetime;
    this.clock = clock;
    current.set(sign());
  }

  /** The token to send now: the current one, or a new one when it is {@code lifetime} old. */
  Token current() {
    Token token = current.get();
    if (clock.instant().isBefore(token.issued.plus(lifetime))) return token;
    renew(token);
    return current.get();
  }

  /** Replaces {@code stale} (Apple refused it), unless another push has replaced it already. */
  void renew(Token stale) {
    if (current.get() == stale) current.compareAndSet(stale, sign());
  }

  private Token sign() {
    Instant now = clock.instant();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keyId).build(),
            new JWTClaimsSet.Builder().issuer(teamId).issueTime(Date.from(now)).build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an APNs provider token: " + e.getMessage(), e);
    }
    return new Token(jwt.serialize(), now);
  }
}
