package io.parley.moderation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The word and pattern filter alone: what matches, what a mask leaves, per conversation kind. */
class ContentFilterTest {
  private static final ContentFilter FILTER =
      new ContentFilter(
          List.of("darn", "heck yes", "Ärger"),
          List.of("fo+\\b", "\\d{4}-\\d{4}"),
          Map.of(
              "direct", ContentFilter.Action.REJECT,
              "group", ContentFilter.Action.MASK,
              "room", ContentFilter.Action.OFF),
          "***");

  @Test
  void rejectsAWholeWordInAnyCaseButNotInsideAnotherWord() {
    assertFalse(FILTER.check("direct", "well DARN it").passes());
    assertFalse(FILTER.check("direct", "darn").passes());
    assertFalse(FILTER.check("direct", "oh, heck yes!").passes(), "a phrase");
    assertFalse(FILTER.check("direct", "so much ärger").passes(), "any script's case");
    assertTrue(FILTER.check("direct", "darning socks").passes(), "inside a word");
    assertTrue(FILTER.check("direct", "undarn").passes());
    assertEquals("a clean message", FILTER.check("direct", "a clean message").text());
  }

  @Test
  void rejectsAPatternMatchAnywhere() {
    assertFalse(FILTER.check("direct", "call 5551-0000 now").passes());
    assertFalse(FILTER.check("direct", "FOOOO").passes());
    assertTrue(FILTER.check("direct", "a fine day").passes());
  }

  @Test
  void masksEveryMatchAndMergesOverlaps() {
    assertEquals("***, *** and ***!", FILTER.check("group", "Darn, fooo and heck yes!").text());
    assertEquals("call *** now", FILTER.check("group", "call 5551-0000 now").text());
    // "foo" (pattern) overlaps nothing else; adjacent matches stay apart.
    assertEquals("*** ***", FILTER.check("group", "darn foo").text());
    assertEquals("darning", FILTER.check("group", "darning").text());
  }

  @Test
  void aKindThatIsOffPassesEverything() {
    assertEquals("darn foo", FILTER.check("room", "darn foo").text());
    assertFalse(FILTER.active("room"));
    assertTrue(FILTER.active("direct"));
  }

  @Test
  void readsWordsAndPatternsFromAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("words.txt");
    Files.writeString(file, "# a comment\n\nblimey\n re: cr[a@]p \n");
    List<String> words = new ArrayList<>();
    List<String> patterns = new ArrayList<>();
    Moderation.readFile(file, words, patterns);
    assertEquals(List.of("blimey"), words);
    assertEquals(List.of("cr[a@]p"), patterns);
  }

  @Test
  void badSettingsStopTheNode() {
    var bad =
        ConfigFactory.parseMap(Map.of("parley.filter.direct", "delete"))
            .withFallback(ConfigFactory.parseResources("application.conf"))
            .resolve();
    assertThrows(IllegalArgumentException.class, () -> Moderation.from(bad));
    var missing =
        ConfigFactory.parseMap(Map.of("parley.filter.file", "/nonexistent/words.txt"))
            .withFallback(ConfigFactory.parseResources("application.conf"))
            .resolve();
    assertThrows(RuntimeException.class, () -> Moderation.from(missing));
  }
}
