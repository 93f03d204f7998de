package io.parley.atrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.conversation.Timeline;
import io.parley.testing.Plaintext;
import io.parley.testing.TestKeys;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealing and opening on an actor system's own serialization: what is stored holds no plaintext,
 * opens to the same value only where it was stored, fails loudly when altered or when its key is
 * gone, and survives a change of the active key.
 */
class AtRestTest {
  private static final String PID = "Conversation|d:ann:ben";

  @TempDir Path dir;
  private final Map<String, ActorTestKit> kits = new HashMap<>();

  @AfterEach
  void stop() {
    kits.values().forEach(ActorTestKit::shutdownTestKit);
  }

  /** A local actor system with {@code parley.at-rest} set to these. */
  private AtRest atRest(Map<String, Object> settings) {
    Config config =
        ConfigFactory.parseMap(settings)
            .withFallback(
                ConfigFactory.parseString(
                    "pekko.actor.provider = local\npekko.coordinated-shutdown.exit-jvm = off"))
            .withFallback(ConfigFactory.load());
    ActorTestKit kit = ActorTestKit.create(config);
    kits.put(UUID.randomUUID().toString(), kit);
    return AtRest.get(kit.system());
  }

  /** Keys {@code ids} (test-1, test-2) with {@code active} the active one. */
  private AtRest withKeys(String active, String... ids) throws Exception {
    Map<String, String> keys = new HashMap<>();
    for (String id : ids) keys.put(id, id.equals(TestKeys.ID) ? TestKeys.KEY : TestKeys.OTHER_KEY);
    Path file = TestKeys.write(dir.resolve(UUID.randomUUID() + ".properties"), active, keys);
    return atRest(Map.of("parley.at-rest.keys-file", file.toString()));
  }

  private static Timeline.Posted posted(String body) {
    return new Timeline.Posted("ann", "c1", TextNode.valueOf(body), 1765000000000L);
  }

  private byte[] stored(Object value) {
    ActorTestKit any = kits.values().iterator().next();
    return SerializationExtension.get(Adapter.toClassic(any.system())).serialize(value).get();
  }

  @Test
  void aSealedEventHoldsNoPlaintextAndOpensToTheSameEvent() throws Exception {
    AtRest atRest = withKeys(TestKeys.ID, TestKeys.ID);
    String body = "meet me at the north gate at 9, bring the plans " + UUID.randomUUID();
    Timeline.Posted event = posted(body);

    Sealed sealed = assertInstanceOf(Sealed.class, atRest.seal(event, AtRest.Use.EVENT, PID));
    assertEquals(TestKeys.ID, sealed.key());
    byte[] bytes = stored(sealed);
    assertEquals(List.of(), Plaintext.foundIn(bytes, body), "the stored bytes hold the body");
    assertEquals(List.of("UTF-8"), Plaintext.foundIn(stored(event), body), "found unencrypted");
    assertEquals(event, atRest.open(sealed, AtRest.Use.EVENT, PID));
    // Each seal has its own nonce: the same event twice is two different ciphertexts.
    Sealed again = (Sealed) atRest.seal(event, AtRest.Use.EVENT, PID);
    assertFalse(java.util.Arrays.equals(sealed.data(), again.data()));
  }

  @Test
  void whatWasStoredBeforeEncryptionIsReadAsItIs() throws Exception {
    AtRest atRest = withKeys(TestKeys.ID, TestKeys.ID);
    Timeline.Posted plain = posted("from an older build");
    assertSame(plain, atRest.open(plain, AtRest.Use.EVENT, PID));
  }

  @Test
  void everyAlteredByteFailsLoudlyInsteadOfOpeningToGarbage() throws Exception {
    AtRest atRest = withKeys(TestKeys.ID, TestKeys.ID);
    Sealed sealed = (Sealed) atRest.seal(posted("hello"), AtRest.Use.EVENT, PID);
    for (int i = 0; i < sealed.data().length; i++) {
      byte[] altered = sealed.data().clone();
      altered[i] ^= 1;
      Sealed tampered = new Sealed(sealed.key(), altered);
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> atRest.open(tampered, AtRest.Use.EVENT, PID),
              "byte " + i);
      assertTrue(e.getMessage().contains("does not authenticate"), e.getMessage());
    }
    Sealed cut = new Sealed(sealed.key(), java.util.Arrays.copyOf(sealed.data(), 20));
    assertThrows(AtRestException.class, () -> atRest.open(cut, AtRest.Use.EVENT, PID));
    Sealed noKey = new Sealed(null, sealed.data());
    assertThrows(AtRestException.class, () -> atRest.open(noKey, AtRest.Use.EVENT, PID));
  }

  @Test
  void aCiphertextOpensOnlyWhereItWasStored() throws Exception {
    AtRest atRest = withKeys(TestKeys.ID, TestKeys.ID);
    Object sealed = atRest.seal(posted("hello"), AtRest.Use.EVENT, PID);
    IllegalStateException moved =
        assertThrows(
            IllegalStateException.class,
            () -> atRest.open(sealed, AtRest.Use.EVENT, "Conversation|d:ann:cat"));
    assertTrue(moved.getMessage().contains("Conversation|d:ann:cat"), moved.getMessage());
    assertThrows(IllegalStateException.class, () -> atRest.open(sealed, AtRest.Use.SNAPSHOT, PID));
  }

  @Test
  void afterARotationOldKeysStillOpenAndNewValuesUseTheNewKey() throws Exception {
    Timeline.Posted before = posted("before the rotation");
    Object old = withKeys(TestKeys.ID, TestKeys.ID).seal(before, AtRest.Use.EVENT, PID);

    AtRest rotated = withKeys(TestKeys.OTHER_ID, TestKeys.ID, TestKeys.OTHER_ID);
    assertEquals(before, rotated.open(old, AtRest.Use.EVENT, PID));
    Timeline.Posted after = posted("after the rotation");
    Sealed sealed = (Sealed) rotated.seal(after, AtRest.Use.EVENT, PID);
    assertEquals(TestKeys.OTHER_ID, sealed.key());
    assertEquals(after, rotated.open(sealed, AtRest.Use.EVENT, PID));
  }

  @Test
  void aStoredValueWhoseKeyIsGoneFailsNamingTheKeyAndTheConfigKey() throws Exception {
    Object old = withKeys(TestKeys.ID, TestKeys.ID).seal(posted("x"), AtRest.Use.EVENT, PID);
    AtRest withoutIt = withKeys(TestKeys.OTHER_ID, TestKeys.OTHER_ID);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> withoutIt.open(old, AtRest.Use.EVENT, PID));
    assertTrue(e.getMessage().contains("'" + TestKeys.ID + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("parley.at-rest.keys-file"), e.getMessage());
    assertTrue(e.getMessage().contains(PID), e.getMessage());
  }

  @Test
  void withoutKeysASystemThatRequiresThemFailsAtStartNamingTheConfigKey() {
    Config noKeys = ConfigFactory.load();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AtRest.check(noKeys));
    assertTrue(e.getMessage().contains("parley.at-rest.keys-file"), e.getMessage());
    assertTrue(e.getMessage().contains("parley.at-rest.required"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> atRest(Map.of()));

    Path missing = dir.resolve("missing.properties");
    Config configured =
        ConfigFactory.parseMap(
                Map.of(
                    "parley.at-rest.keys-file",
                    missing.toString(),
                    "parley.at-rest.required",
                    false))
            .withFallback(noKeys);
    IllegalStateException gone =
        assertThrows(IllegalStateException.class, () -> AtRest.check(configured));
    assertTrue(gone.getMessage().contains(missing.toString()), gone.getMessage());
  }

  @Test
  void withoutKeysAndNotRequiredNothingIsSealedAndSealedDataDoesNotOpen() throws Exception {
    Object sealed = withKeys(TestKeys.ID, TestKeys.ID).seal(posted("x"), AtRest.Use.EVENT, PID);
    AtRest off = atRest(Map.of("parley.at-rest.required", false));
    assertFalse(off.on());
    Timeline.Posted event = posted("unencrypted");
    assertSame(event, off.seal(event, AtRest.Use.EVENT, PID));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> off.open(sealed, AtRest.Use.EVENT, PID));
    assertTrue(e.getMessage().contains("parley.at-rest.keys-file"), e.getMessage());
  }
}
