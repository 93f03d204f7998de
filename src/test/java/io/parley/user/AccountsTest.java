package io.parley.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.auth.Passwords;
import io.parley.auth.Tokens;
import io.parley.node.Node;
import io.parley.testing.Api;
import io.parley.testing.Ids;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Integration
@ExtendWith(TestNodes.class)
class AccountsTest {

  @Test
  void registerLoginAndTheirErrors(Node node) throws Exception {
    Api api = new Api(node.httpAddress());
    String user = Ids.user("zoe");
    assertEquals(201, api.register(user, "correct horse").status());
    assertEquals(409, api.register(user, "another password").status());
    assertEquals(400, api.register("X!", "correct horse").status());
    assertEquals(400, api.register(Ids.user("short"), "pw").status());

    var ok = api.post("/sessions", Map.of("user", user, "password", "correct horse"));
    assertEquals(200, ok.status());
    assertTrue(ok.body().get("expires_at").asLong() > System.currentTimeMillis());
    assertEquals(401, api.post("/sessions", Map.of("user", user, "password", "wrong")).status());
    assertEquals(
        401,
        api.post("/sessions", Map.of("user", Ids.user("ghost"), "password", "whatever1")).status());
  }

  @Test
  void passwordsAreSaltedSlowHashes() {
    Passwords passwords = new Passwords(19456, 2, 1);
    String a = passwords.hash("secret-password");
    String b = passwords.hash("secret-password");
    assertTrue(a.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
    assertFalse(a.equals(b), "a fresh salt per hash");
    assertTrue(passwords.verify("secret-password", a));
    assertFalse(passwords.verify("Secret-password", a));
  }

  @Test
  void tokensExpireAndAreBoundToTheSecret() {
    var clock =
        java.time.Clock.fixed(
            java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
    Tokens tokens =
        new Tokens(TestNodes.TOKEN_SECRET, java.time.Duration.ofHours(1), "parley", clock);
    String token = tokens.issue("amy").token();
    assertEquals("amy", tokens.verify(token).orElseThrow());
    var later = java.time.Clock.offset(clock, java.time.Duration.ofHours(2));
    assertTrue(
        new Tokens(TestNodes.TOKEN_SECRET, java.time.Duration.ofHours(1), "parley", later)
            .verify(token)
            .isEmpty());
    assertTrue(
        new Tokens(
                "another-secret-another-secret-another-secret",
                java.time.Duration.ofHours(1),
                "parley",
                clock)
            .verify(token)
            .isEmpty());
    assertTrue(tokens.verify(token + "x").isEmpty());
  }
}
