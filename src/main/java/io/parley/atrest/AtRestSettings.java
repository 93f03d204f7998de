package io.parley.atrest;

import com.typesafe.config.Config;
import java.nio.file.Path;

/** {@code parley.at-rest}: where the keys are, and whether a node may run without them. */
public record AtRestSettings(Path keysFile, boolean required) {
  public static final String KEYS_FILE = "parley.at-rest.keys-file (PARLEY_AT_REST_KEYS_FILE)";
  static final String REQUIRED = "parley.at-rest.required (PARLEY_AT_REST_REQUIRED)";

  public static AtRestSettings from(Config config) {
    Config c = config.getConfig("parley.at-rest");
    String file = c.getString("keys-file").strip();
    return new AtRestSettings(file.isEmpty() ? null : Path.of(file), c.getBoolean("required"));
  }

  /**
   * The keys, or null when none are configured and none are required (then nothing is encrypted). A
   * configured file that is missing or malformed, or no file where one is required, throws.
   */
  public KeyProvider keys() {
    if (keysFile != null) return KeyFile.read(keysFile);
    if (!required) return null;
    throw new AtRestException(
        "no keys for encryption at rest: set "
            + KEYS_FILE
            + " to a key file (docs/operations.md, \"Encryption at rest\"; ./parley run makes one"
            + " in data/at-rest-keys.properties), or turn "
            + REQUIRED
            + " off to store message bodies unencrypted");
  }
}
