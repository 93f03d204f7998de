package io.parley.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.DocumentEndEvent;
import org.snakeyaml.engine.v2.events.DocumentStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.MappingStartEvent;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * The documents of a k8s/ YAML file as SnakeYAML Engine reads them (YAML 1.2, core schema), and a
 * failure naming the file and line wherever kubectl, whose reader is YAML 1.1, could read them
 * otherwise. The engine itself refuses bad syntax, tabs in indentation and duplicate keys; the
 * checks below run on its parser's events before the documents are built. Plain scalars resolve as
 * in YAML 1.2: true/false, null/~, decimal numbers; anything else unquoted is a string.
 */
final class ManifestYaml {
  /**
   * Plain scalars that YAML 1.1 reads as booleans or numbers where YAML 1.2 reads strings or other
   * numbers: y/yes/n/no/on/off, octal 0644, 0x/0o/0b, .inf/.nan, sexagesimal 1:30, 1_000.
   */
  private static final Pattern AMBIGUOUS =
      Pattern.compile(
          "(?i)y|yes|n|no|on|off|[-+]?0[0-9_]+|[-+]?0[xob][0-9a-f_]+|[-+]?\\.(inf|nan)"
              + "|[0-9]+(:[0-5]?[0-9])+|[-+]?[0-9][0-9_]*_[0-9_]*");

  private ManifestYaml() {}

  /** Every document of the file, in order; an empty one ("---" and nothing) is null. */
  static List<Object> documents(String source, String file) {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(file)
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(false) // the last one would win, silently
            .build();
    try {
      // Per open collection: {1 if a mapping, nodes so far}; a mapping's even nodes are keys.
      Deque<int[]> open = new ArrayDeque<>();
      for (Event event : new Parse(settings).parseString(source)) {
        String at = file + ":" + event.getStartMark().map(m -> m.getLine() + 1).orElse(0) + ": ";
        // "%YAML 1.1" asks for other resolution rules, "%TAG" for other tag names.
        if (event instanceof DocumentStartEvent d
            && (d.getSpecVersion().isPresent() || !d.getTags().isEmpty())) {
          throw new AssertionError(at + "directives (%YAML, %TAG) are not used in k8s/");
        }
        // kubectl splits a file into documents on "---" lines only: a bare document after a
        // "..." would be read by the engine and not by kubectl.
        if (event instanceof DocumentEndEvent d && d.isExplicit()) {
          throw new AssertionError(at + "document end markers (...) are not used in k8s/");
        }
        if (event instanceof CollectionEndEvent) open.pop();
        if (!(event instanceof NodeEvent node)) continue;
        boolean key = !open.isEmpty() && open.peek()[0] == 1 && open.peek()[1] % 2 == 0;
        if (!open.isEmpty()) open.peek()[1]++;
        // An alias (*a) repeats the node an anchor (&a) names, and "<<: *a" merges it in: a
        // field would silently follow text elsewhere, and merge keys are YAML 1.1 only.
        if (node.getAnchor().isPresent()) {
          throw new AssertionError(at + "anchors and aliases (&, *) are not used in k8s/");
        }
        // A tag (!!str, !!binary, !x) names a type that YAML 1.1 and 1.2 readers may not share.
        if (event instanceof CollectionStartEvent c
            ? c.getTag().isPresent()
            : event instanceof ScalarEvent s && s.getTag().isPresent()) {
          throw new AssertionError(at + "tags (!...) are not used in k8s/");
        }
        if (event instanceof CollectionStartEvent) {
          // A mapping or a list as a key has no JSON form; kubectl refuses it.
          if (key) throw new AssertionError(at + "a key must be a string, not a collection");
          open.push(new int[] {event instanceof MappingStartEvent ? 1 : 0, 0});
        }
        if (!(event instanceof ScalarEvent s) || !s.isPlain()) continue;
        String text = s.getValue();
        if (AMBIGUOUS.matcher(text).matches()) {
          throw new AssertionError(
              at + "'" + text + "' is a boolean or number to YAML 1.1 (kubectl): quote it");
        }
        // A plain "<<" key merges a mapping into its parent, in kubectl and in the engine.
        if (key && text.equals("<<")) {
          throw new AssertionError(at + "merge keys (<<) are not used in k8s/");
        }
        // kubectl's JSON turns a null, boolean or number key into a string of its own
        // spelling (1.0 may become "1"): quote the key meant.
        if (key && settings.getSchema().getScalarResolver().resolve(text, true) != Tag.STR) {
          throw new AssertionError(at + "key " + text + " must be a string: quote it");
        }
      }
      List<Object> documents = new ArrayList<>();
      new Load(settings).loadAllFromString(source).forEach(documents::add);
      return documents;
    } catch (YamlEngineException e) {
      throw new AssertionError(file + ": " + e.getMessage(), e);
    }
  }
}
