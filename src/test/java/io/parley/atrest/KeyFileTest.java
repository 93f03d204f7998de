package io.parley.atrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key file's format, and that every way of getting it wrong stops a node with a clear error.
 */
class KeyFileTest {
  @TempDir Path dir;

  @Test
  void readsEveryKeyAndTheActiveOne() throws Exception {
    Path file =
        TestKeys.write(
            dir.resolve("keys"),
            TestKeys.OTHER_ID,
            Map.of(TestKeys.ID, TestKeys.KEY, TestKeys.OTHER_ID, TestKeys.OTHER_KEY));
    KeyFile keys = KeyFile.read(file);
    assertEquals(TestKeys.OTHER_ID, keys.activeKeyId());
    assertNotNull(keys.key(TestKeys.ID));
    assertNotNull(keys.key(TestKeys.OTHER_ID));
    assertNull(keys.key("test-3"));
    assertEquals("2 keys in " + file, keys.describe());
  }

  @Test
  void aMissingFileNamesItsPathAndTheConfigKey() {
    Path missing = dir.resolve("nowhere.properties");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> KeyFile.read(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("parley.at-rest.keys-file"), e.getMessage());
    assertTrue(e.getMessage().contains("PARLEY_AT_REST_KEYS_FILE"), e.getMessage());
  }

  @Test
  void aMalformedFileIsRefusedSayingWhatIsWrong() throws Exception {
    String key = "key." + TestKeys.ID + " = " + TestKeys.KEY + "\n";
    assertRefused(key, "no 'active = <key id>' line");
    assertRefused(key + "active = test-9\n", "the active key 'test-9' is not in it");
    assertRefused(
        "key.short = " + TestKeys.KEY.substring(4) + "\nactive = short\n",
        "key 'short' has 29 bytes, not 32");
    assertRefused("key.odd = not*base64\nactive = odd\n", "key 'odd' is not base64");
    assertRefused(key + "activ = test-1\n", "unknown entry 'activ'");
    assertRefused("key.a/b = " + TestKeys.KEY + "\nactive = a/b\n", "key id 'a/b' is not");
  }

  private void assertRefused(String text, String problem) throws Exception {
    Path file = Files.writeString(dir.resolve("keys"), text);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> KeyFile.read(file));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }
}
