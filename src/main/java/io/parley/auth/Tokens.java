package io.parley.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

/**
 * Login tokens: HS256-signed JWTs carrying the user id and an expiry. Every node shares the secret
 * ({@code parley.auth.token-secret}), so any edge node can check a token without a lookup.
 */
public final class Tokens {
  private static final int MIN_SECRET_BYTES = 32;

  private final byte[] secret;
  private final Duration ttl;
  private final String issuer;
  private final Clock clock;

  public Tokens(String secret, Duration ttl, String issuer, Clock clock) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    if (this.secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "parley.auth.token-secret must be at least 32 bytes: set PARLEY_TOKEN_SECRET"
              + " (./parley run creates one in data/token-secret)");
    }
    this.ttl = ttl;
    this.issuer = issuer;
    this.clock = clock;
  }

  public static Tokens from(Config config) {
    Config c = config.getConfig("parley.auth");
    return new Tokens(
        c.getString("token-secret"),
        c.getDuration("token-ttl"),
        c.getString("issuer"),
        Clock.systemUTC());
  }

  public record Issued(String token, Instant expiresAt) {}

  public Issued issue(String user) {
    Instant now = clock.instant();
    Instant expires = now.plus(ttl);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject(user)
            .issuer(issuer)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expires))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign token", e);
    }
    return new Issued(jwt.serialize(), expires);
  }

  /** What a valid token says: whose it is, its id (for revocation) and when it expires. */
  public record Claims(String user, String tokenId, Instant expiresAt) {}

  /** The user a valid, unexpired token belongs to; empty for anything else. */
  public Optional<String> verify(String token) {
    return claims(token).map(Claims::user);
  }

  /** The claims of a valid, unexpired token; empty for anything else. */
  public Optional<Claims> claims(String token) {
    if (token == null) return Optional.empty();
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) return Optional.empty();
      if (!jwt.verify(new MACVerifier(secret))) return Optional.empty();
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      if (exp == null || !exp.toInstant().isAfter(clock.instant())) return Optional.empty();
      if (!issuer.equals(claims.getIssuer())) return Optional.empty();
      if (claims.getSubject() == null || claims.getJWTID() == null) return Optional.empty();
      return Optional.of(new Claims(claims.getSubject(), claims.getJWTID(), exp.toInstant()));
    } catch (ParseException | JOSEException e) {
      return Optional.empty();
    }
  }
}
