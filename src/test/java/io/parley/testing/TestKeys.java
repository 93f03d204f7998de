package io.parley.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keys for encryption at rest in tests. Every test node and entity test seals with {@link #ID}, a
 * fixed key (not a secret: test data only), so what one run stores the next one reads.
 */
public final class TestKeys {
  public static final String ID = "test-1";
  public static final String KEY = "b3DITBQjmA72ic12uP+35rZ0zTOhMJLgak4JbGg+guU=";

  /** A second key, for rotation tests. */
  public static final String OTHER_ID = "test-2";

  public static final String OTHER_KEY = "QR6EcPHhv4K+Ju1KEcxklMPmuLDgTMGuM0lUWZ+q1ck=";

  private static Path file;

  private TestKeys() {}

  /** A key file holding {@link #KEY} as the active key; written once per JVM. */
  public static synchronized String file() {
    if (file == null) {
      try {
        Path dir = Files.createTempDirectory("parley-test-keys");
        file = write(dir.resolve("at-rest-keys.properties"), ID, Map.of(ID, KEY));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      file.toFile().deleteOnExit();
      file.getParent().toFile().deleteOnExit();
    }
    return file.toString();
  }

  /** Writes a key file: {@code keys} (id to base64 key) with {@code active} the active one. */
  public static Path write(Path file, String active, Map<String, String> keys) throws IOException {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(keys)
        .forEach(
            (id, key) -> text.append("key.").append(id).append(" = ").append(key).append('\n'));
    text.append("active = ").append(active).append('\n');
    return Files.writeString(file, text);
  }
}
