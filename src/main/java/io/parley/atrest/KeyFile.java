package io.parley.atrest;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys from a properties file: {@code key.<id> = <base64 of 32 random bytes>}, one line per key,
 * and {@code active = <id>}, the key new data is sealed with. Older keys stay in the file for as
 * long as stored events use them (docs/operations.md, "Encryption at rest").
 */
public final class KeyFile implements KeyProvider {
  static final String KEY_PREFIX = "key.";
  static final String ACTIVE = "active";
  static final int KEY_BYTES = 32;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final Path file;
  private final Map<String, SecretKey> keys;
  private final String active;

  private KeyFile(Path file, Map<String, SecretKey> keys, String active) {
    this.file = file;
    this.keys = keys;
    this.active = active;
  }

  /** Reads and checks the file; every problem is an {@link AtRestException} naming it. */
  public static KeyFile read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new AtRestException(
          AtRestSettings.KEYS_FILE + " names " + file.toAbsolutePath() + ", which does not exist");
    }
    Properties lines = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      lines.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new AtRestException("cannot read the at-rest keys file " + file + ": " + e, e);
    }
    Map<String, SecretKey> keys = new TreeMap<>();
    for (String name : lines.stringPropertyNames()) {
      if (name.equals(ACTIVE)) continue;
      if (!name.startsWith(KEY_PREFIX)) throw bad(file, "unknown entry '" + name + "'");
      String id = name.substring(KEY_PREFIX.length());
      if (!ID.matcher(id).matches()) {
        throw bad(file, "key id '" + id + "' is not 1-64 of A-Z a-z 0-9 . _ -");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(lines.getProperty(name).strip());
      } catch (IllegalArgumentException e) {
        throw bad(file, "key '" + id + "' is not base64");
      }
      if (bytes.length != KEY_BYTES) {
        throw bad(file, "key '" + id + "' has " + bytes.length + " bytes, not " + KEY_BYTES);
      }
      keys.put(id, new SecretKeySpec(bytes, "AES"));
    }
    String active = lines.getProperty(ACTIVE, "").strip();
    if (active.isEmpty()) throw bad(file, "no '" + ACTIVE + " = <key id>' line");
    if (!keys.containsKey(active)) throw bad(file, "the active key '" + active + "' is not in it");
    return new KeyFile(file, Map.copyOf(keys), active);
  }

  private static AtRestException bad(Path file, String problem) {
    return new AtRestException("at-rest keys file " + file + ": " + problem);
  }

  @Override
  public String activeKeyId() {
    return active;
  }

  @Override
  public SecretKey key(String id) {
    return keys.get(id);
  }

  @Override
  public String describe() {
    return keys.size() + (keys.size() == 1 ? " key" : " keys") + " in " + file;
  }
}
