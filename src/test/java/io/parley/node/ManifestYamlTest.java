package io.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ManifestYaml}: YAML read as YAML 1.2 reads it, and each thing it refuses refused with the
 * file, the line and the reason.
 */
class ManifestYamlTest {
  @Test
  void readsYamlAsYamlDoes() {
    String yaml =
        """
        a: "x # not a comment"  # a comment
        b: 'it''s # still b'
        c: [java, "-cp", 'classes:lib/*']
        d:
        - size: 1
          ratio: 1.5
        -   plain text
        e: {}
        f:
        """;
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("a", "x # not a comment");
    expected.put("b", "it's # still b");
    expected.put("c", List.of("java", "-cp", "classes:lib/*"));
    expected.put("d", List.of(Map.of("size", 1, "ratio", 1.5), "plain text"));
    expected.put("e", Map.of());
    expected.put("f", null);
    assertEquals(List.of(expected), ManifestYaml.documents(yaml, "snippet"));
  }

  @Test
  void quotedScalarsStayStringsAndPlainOnesResolveAsYaml12() {
    assertEquals(
        List.of(
            Map.of("a", "on", "b", "0644", "c", "1", "d", "true", "1", "x", "e", true, "f", 8080)),
        ManifestYaml.documents(
            "a: \"on\"\nb: '0644'\nc: \"1\"\nd: 'true'\n\"1\": x\ne: true\nf: 8080\n", "snippet"));
  }

  @Test
  void documentsSplitOnDashesAndEmptyOnesAreNull() {
    assertEquals(
        Arrays.asList(Map.of("a", 1), null, Map.of("b", 2), null),
        ManifestYaml.documents("---\na: 1\n---\n# nothing\n---\nb: 2\n---\n", "snippet"));
    // A line number is the file's, not the document's.
    assertRefused("snippet:4:", "a: 1\n---\nb: 2\nc: on\n");
  }

  @Test
  void refusesDuplicateKeys() {
    assertRefused("duplicate key a", "a: 1\nb: 2\na: 3\n");
    assertRefused("line 2", "a: 1\n'a': 2\n");
  }

  @Test
  void refusesTabsInIndentation() {
    assertRefused("TAB", "a:\n\tb: 1\n");
  }

  @Test
  void refusesBrokenSyntax() {
    assertRefused("mapping values are not allowed here", "command: echo a: b\n");
    assertRefused("quoted scalar", "a: \"unterminated\n");
    assertRefused("snippet", "a:\n  b: 1\n c: 2\n");
  }

  @Test
  void refusesAnchorsAliasesAndMergeKeys() {
    assertRefused("snippet:1: anchors and aliases", "a: &x 1\nb: *x\n");
    assertRefused("snippet:2: anchors and aliases", "a: 1\nb: *x\n");
    assertRefused("snippet:3: merge keys", "a: 1\nb:\n  <<:\n    c: 2\n");
    assertRefused("merge keys", "b: {<<: {c: 2}}\n");
  }

  @Test
  void refusesTags() {
    assertRefused("snippet:1: tags", "a: !!str 1\n");
    assertRefused("snippet:2: tags", "a:\n  b: !!map {}\n");
  }

  @Test
  void refusesDirectivesAndDocumentEndMarkers() {
    assertRefused("directives", "%YAML 1.1\n---\na: 1\n");
    assertRefused("snippet:2: document end markers", "a: 1\n...\nb: 2\n");
  }

  @Test
  void refusesPlainScalarsThatYaml11ReadsAsBooleansOrOtherNumbers() {
    for (String plain :
        List.of(
            "y", "N", "yes", "No", "ON", "off", "0644", "-012", "0x1F", "0o17", "0b101", ".inf",
            "-.Inf", ".NaN", "1:30", "1_000")) {
      assertRefused("snippet:2: '" + plain + "' is a boolean or number", "a: 1\nb: " + plain);
      assertRefused("'" + plain + "' is a boolean or number", "a: [x, " + plain + "]\n");
      assertRefused("'" + plain + "' is a boolean or number", plain + ": x\n");
    }
  }

  @Test
  void refusesKeysThatAreNotStrings() {
    for (String key : List.of("1", "-2", "1.5", "true", "False", "null", "~")) {
      assertRefused("snippet:1: key " + key + " must be a string", key + ": x\n");
    }
    assertRefused("snippet:2: a key must be a string, not a collection", "a: 1\n? [b]\n: 2\n");
    assertRefused("not a collection", "{a: 1}: 2\n");
  }

  private static void assertRefused(String expectedInMessage, String yaml) {
    AssertionError e =
        assertThrows(AssertionError.class, () -> ManifestYaml.documents(yaml, "snippet"), yaml);
    assertTrue(
        e.getMessage().contains(expectedInMessage),
        "message should name " + expectedInMessage + ": " + e.getMessage());
  }
}
