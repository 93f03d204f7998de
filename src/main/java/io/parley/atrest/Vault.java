package io.parley.atrest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with a random 12-byte nonce and a 128-bit tag, under a {@link KeyProvider}'s keys.
 * The associated data binds each ciphertext to where it belongs (format version, event or snapshot,
 * persistence id) and to its key id: a ciphertext copied into another conversation's rows, or from
 * a snapshot into an event, does not open. It does not bind the sequence number (Pekko's adapters
 * do not see it), so rows could be swapped within one conversation's journal by someone who can
 * write to it; this protects what the rows say, not their order.
 */
final class Vault {
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String FORMAT = "parley-at-rest-1";

  // Cipher.getInstance took ~2 µs, three times the encryption of a message (docs/benchmarks.md,
  // "Encryption at rest"): one per thread, initialised afresh (key, nonce) for every use.
  private static final ThreadLocal<Cipher> CIPHERS =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Cipher.getInstance(TRANSFORMATION);
            } catch (GeneralSecurityException e) {
              throw new AtRestException("this JVM has no " + TRANSFORMATION, e);
            }
          });

  private final KeyProvider keys;
  private final SecureRandom random = new SecureRandom();

  Vault(KeyProvider keys) {
    this.keys = keys;
  }

  /** {@code plain} sealed under the active key, for {@code place} only. */
  Sealed seal(byte[] plain, Place place) {
    String id = keys.activeKeyId();
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = CIPHERS.get();
      cipher.init(Cipher.ENCRYPT_MODE, keys.key(id), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(place.associated(id));
      byte[] data = new byte[NONCE_BYTES + cipher.getOutputSize(plain.length)];
      System.arraycopy(nonce, 0, data, 0, NONCE_BYTES);
      cipher.doFinal(plain, 0, plain.length, data, NONCE_BYTES);
      return new Sealed(id, data);
    } catch (GeneralSecurityException e) {
      throw new AtRestException("could not encrypt " + place + ": " + e, e);
    }
  }

  /** The plaintext of {@code sealed}, which must have been sealed for the same {@code place}. */
  byte[] open(Sealed sealed, Place place) {
    SecretKey key = sealed.key() == null ? null : keys.key(sealed.key());
    if (key == null) {
      throw new AtRestException(
          place
              + " is encrypted under at-rest key '"
              + sealed.key()
              + "', which is not among the "
              + keys.describe()
              + ": put it back into "
              + AtRestSettings.KEYS_FILE
              + " (keys stay there as long as stored data uses them)");
    }
    byte[] data = sealed.data();
    if (data == null || data.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new AtRestException(place + " is encrypted, but too short to be sealed data");
    }
    try {
      Cipher cipher = CIPHERS.get();
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
      cipher.updateAAD(place.associated(sealed.key()));
      return cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new AtRestException(
          place
              + " does not authenticate under at-rest key '"
              + sealed.key()
              + "': it was altered, was stored for another conversation, or the key with that id"
              + " is not the one it was sealed with",
          e);
    } catch (GeneralSecurityException e) {
      throw new AtRestException("could not decrypt " + place + ": " + e, e);
    }
  }

  /** Where a sealed value is stored: an event or the snapshot of one persistence id. */
  record Place(AtRest.Use use, String persistenceId) {
    /** The associated data: never change it, or what is stored no longer opens. */
    byte[] associated(String keyId) {
      return String.join("\n", FORMAT, use.name(), persistenceId, keyId)
          .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return (use == AtRest.Use.EVENT ? "an event of " : "a snapshot of ") + persistenceId;
    }
  }
}
