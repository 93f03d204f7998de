package io.parley.atrest;

import com.typesafe.config.Config;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encryption at rest, one per actor system ({@code parley.at-rest}): a value on its way into the
 * journal or the snapshot store is serialized as Pekko would store it, then sealed ({@link Vault})
 * into a {@link Sealed}; on its way out, a {@link Sealed} is opened and deserialized, and anything
 * else (what builds before encryption stored, or what a node without keys stores) is passed through
 * as it is. The in-memory values never change; only their stored form does.
 */
public final class AtRest implements Extension {
  /** What a sealed value is stored as: part of what binds its ciphertext to its place. */
  public enum Use {
    EVENT,
    SNAPSHOT
  }

  private static final Logger log = LoggerFactory.getLogger(AtRest.class);
  private static final ExtensionId<AtRest> ID =
      new ExtensionId<>() {
        @Override
        public AtRest createExtension(ActorSystem<?> system) {
          return new AtRest(system);
        }
      };

  private final Serialization serialization;
  private final Vault vault; // null: nothing is sealed (no keys, and none required)

  private AtRest(ActorSystem<?> system) {
    this.serialization = SerializationExtension.get(Adapter.toClassic(system));
    KeyProvider keys = AtRestSettings.from(system.settings().config()).keys();
    this.vault = keys == null ? null : new Vault(keys);
  }

  /** This system's; created (and its keys read) on first use, which fails if they are missing. */
  public static AtRest get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /**
   * Checks {@code parley.at-rest} before a node starts and logs what it will do. Throws, naming the
   * config key, if the keys are missing or malformed.
   */
  public static void check(Config config) {
    KeyProvider keys = AtRestSettings.from(config).keys();
    if (keys == null) {
      log.warn("Message bodies are stored UNENCRYPTED: {} is off", AtRestSettings.REQUIRED);
    } else {
      log.info(
          "Message bodies are encrypted at rest under key '{}' ({})",
          keys.activeKeyId(),
          keys.describe());
    }
  }

  /** Whether new values are sealed. */
  public boolean on() {
    return vault != null;
  }

  /** {@code value} as it is to be stored under {@code persistenceId}: sealed when keys are set. */
  public Object seal(Object value, Use use, String persistenceId) {
    if (vault == null) return value;
    Serializer serializer = serialization.findSerializerFor(value);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(serializer.identifier());
      out.writeUTF(Serializers.manifestFor(serializer, value));
      out.write(serializer.toBinary(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return vault.seal(bytes.toByteArray(), new Vault.Place(use, persistenceId));
  }

  /** A stored value as the journal or snapshot store gave it back: opened if it is sealed. */
  public Object open(Object stored, Use use, String persistenceId) {
    if (!(stored instanceof Sealed sealed)) return stored;
    Vault.Place place = new Vault.Place(use, persistenceId);
    if (vault == null) {
      throw new AtRestException(
          place
              + " is encrypted under at-rest key '"
              + sealed.key()
              + "', but this node has no keys: set "
              + AtRestSettings.KEYS_FILE);
    }
    byte[] plain = vault.open(sealed, place);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
      int serializerId = in.readInt();
      String manifest = in.readUTF();
      byte[] body = in.readAllBytes();
      return serialization.deserialize(body, serializerId, manifest).get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
