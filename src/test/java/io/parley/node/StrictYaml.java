package io.parley.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The YAML that k8s/ uses, and nothing more: block mappings and sequences, plain and quoted
 * scalars, one-line flow sequences, comments and "---". There is no YAML parser on the test
 * classpath (fabric8's model brings only Jackson's JSON). Anything outside this subset (anchors,
 * tags, block or multi-line scalars, flow mappings) fails with its line, so nothing is misread.
 * Plain scalars resolve as kubectl's YAML reader does; those YAML 1.1 reads as booleans or octals
 * (on, yes, 0644) must be quoted.
 */
final class StrictYaml {
  private record Line(int number, int indent, String text) {}

  private static final Pattern INTEGER = Pattern.compile("[-+]?(0|[1-9][0-9]*)");
  private static final Pattern FLOAT =
      Pattern.compile(
          "[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+");
  private static final Pattern AMBIGUOUS =
      Pattern.compile(
          "(?i)y|yes|n|no|on|off|[-+]?0[0-9_]+|[-+]?0[xob][0-9a-f_]+|[-+]?\\.(inf|nan)|[0-9]+(:[0-5]?[0-9])+|[-+]?[0-9][0-9_]*_[0-9_]*");

  private final String file;
  private final List<Line> lines;
  private int pos;

  private StrictYaml(String file, List<Line> lines) {
    this.file = file;
    this.lines = lines;
  }

  static List<Object> documents(String source, String file) {
    List<Object> documents = new ArrayList<>();
    List<Line> current = new ArrayList<>();
    String[] raw = source.split("\r?\n", -1);
    for (int i = 0; i < raw.length; i++) {
      String text = stripComment(raw[i], file, i + 1).stripTrailing();
      if (text.isBlank()) continue;
      if (text.equals("---")) {
        if (current.isEmpty() && documents.isEmpty()) continue; // a leading "---"
        documents.add(new StrictYaml(file, current).document());
        current = new ArrayList<>();
        continue;
      }
      int indent = 0;
      while (indent < text.length() && text.charAt(indent) == ' ') indent++;
      if (text.charAt(indent) == '\t') {
        throw new AssertionError(file + ":" + (i + 1) + ": tab in indentation");
      }
      if (text.startsWith("%") || text.startsWith("...")) {
        throw new AssertionError(file + ":" + (i + 1) + ": directives, document ends: unused");
      }
      current.add(new Line(i + 1, indent, text.substring(indent)));
    }
    documents.add(new StrictYaml(file, current).document());
    return documents;
  }

  private Object document() {
    if (lines.isEmpty()) return null;
    Object root = node(lines.get(0).indent());
    if (pos < lines.size()) throw error(lines.get(pos), "unexpected content (indentation?)");
    return root;
  }

  private Object node(int indent) {
    Line line = lines.get(pos);
    if (line.indent() != indent) throw error(line, "unexpected indentation");
    if (isItem(line.text())) return sequence(indent);
    if (keyEnd(line.text()) < 0) {
      throw error(line, "expected 'key: value' (multi-line scalars are not used in k8s/)");
    }
    return mapping(indent);
  }

  private Map<String, Object> mapping(int indent) {
    Map<String, Object> map = new LinkedHashMap<>();
    while (pos < lines.size()) {
      Line line = lines.get(pos);
      if (line.indent() < indent || (line.indent() == indent && isItem(line.text()))) break;
      if (line.indent() > indent) throw error(line, "unexpected indentation");
      int colon = keyEnd(line.text());
      if (colon < 0) throw error(line, "expected 'key: value'");
      Object key = scalar(line.text().substring(0, colon).strip(), line);
      if (!(key instanceof String k)) {
        throw error(line, "key " + key + " must be a string: quote it");
      }
      if (map.containsKey(k)) throw error(line, "duplicate key " + k);
      String rest = line.text().substring(colon + 1).strip();
      pos++;
      Object value;
      if (!rest.isEmpty()) {
        value = inline(rest, line);
      } else if (pos < lines.size() && lines.get(pos).indent() > indent) {
        value = node(lines.get(pos).indent());
      } else if (pos < lines.size()
          && lines.get(pos).indent() == indent
          && isItem(lines.get(pos).text())) {
        value = sequence(indent);
      } else {
        value = null;
      }
      map.put(k, value);
    }
    return map;
  }

  private List<Object> sequence(int indent) {
    List<Object> list = new ArrayList<>();
    while (pos < lines.size()) {
      Line line = lines.get(pos);
      if (line.indent() < indent || !isItem(line.text())) break;
      if (line.indent() > indent) throw error(line, "unexpected indentation");
      String after = line.text().substring(1);
      String rest = after.strip();
      if (rest.isEmpty()) {
        pos++;
        list.add(
            pos < lines.size() && lines.get(pos).indent() > indent
                ? node(lines.get(pos).indent())
                : null);
      } else if (isItem(rest) || keyEnd(rest) >= 0) {
        // "- key: value" opens a mapping (or "- - x" a sequence) at the item's column.
        int column = indent + 1 + (after.length() - after.stripLeading().length());
        lines.set(pos, new Line(line.number(), column, rest));
        list.add(node(column));
      } else {
        pos++;
        list.add(inline(rest, line));
      }
    }
    return list;
  }

  private Object inline(String text, Line line) {
    if (text.equals("{}")) return new LinkedHashMap<>();
    if (text.startsWith("[")) {
      if (!text.endsWith("]")) throw error(line, "flow sequences must fit on one line");
      List<Object> items = new ArrayList<>();
      String inner = text.substring(1, text.length() - 1).strip();
      if (inner.isEmpty()) return items;
      for (String item : splitOutsideQuotes(inner, line)) {
        String s = item.strip();
        if (s.isEmpty() || "[{".indexOf(s.charAt(0)) >= 0) {
          throw error(line, "only flat flow sequences of scalars are used in k8s/");
        }
        items.add(scalar(s, line));
      }
      return items;
    }
    if ("{&*!|>@`".indexOf(text.charAt(0)) >= 0) {
      throw error(line, text + ": flow mappings, anchors, tags, block scalars: unused in k8s/");
    }
    return scalar(text, line);
  }

  private Object scalar(String text, Line line) {
    if (text.startsWith("\"")) {
      StringBuilder out = new StringBuilder();
      int i = 1;
      for (; i < text.length() && text.charAt(i) != '"'; i++) {
        char ch = text.charAt(i);
        if (ch != '\\') {
          out.append(ch);
          continue;
        }
        if (++i >= text.length()) break;
        switch (text.charAt(i)) {
          case '"', '\\', '/' -> out.append(text.charAt(i));
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          default -> throw error(line, "escape \\" + text.charAt(i) + " is not used in k8s/");
        }
      }
      if (i != text.length() - 1) throw error(line, "malformed double-quoted scalar " + text);
      return out.toString();
    }
    if (text.startsWith("'")) {
      String inner = text.length() < 2 ? "'" : text.substring(1, text.length() - 1);
      if (!text.endsWith("'") || inner.replace("''", "").contains("'")) {
        throw error(line, "malformed single-quoted scalar " + text);
      }
      return inner.replace("''", "'");
    }
    if (text.isEmpty() || text.equals("~") || text.equalsIgnoreCase("null")) return null;
    if (text.equals("true") || text.equals("True") || text.equals("TRUE")) return Boolean.TRUE;
    if (text.equals("false") || text.equals("False") || text.equals("FALSE")) {
      return Boolean.FALSE;
    }
    if (AMBIGUOUS.matcher(text).matches()) {
      throw error(line, "'" + text + "' is a boolean or number to YAML 1.1 (kubectl): quote it");
    }
    if (INTEGER.matcher(text).matches()) {
      long value = Long.parseLong(text);
      return value == (int) value ? (Object) (int) value : (Object) value;
    }
    if (FLOAT.matcher(text).matches()) return Double.parseDouble(text);
    if (text.contains(": ")) throw error(line, "plain scalar '" + text + "' needs quotes");
    return text;
  }

  private static boolean isItem(String text) {
    return text.equals("-") || text.startsWith("- ");
  }

  /** The index of the colon ending a mapping key, or -1 if the text is not "key: value". */
  private static int keyEnd(String text) {
    int i = 0;
    if (text.startsWith("\"") || text.startsWith("'")) {
      char quote = text.charAt(0);
      for (i = 1; i < text.length(); i++) {
        if (text.charAt(i) == '\\' && quote == '"') i++;
        else if (text.charAt(i) == quote) break;
      }
      i++;
    } else if (text.startsWith("[") || text.startsWith("{")) {
      return -1;
    }
    for (; i < text.length(); i++) {
      if (text.charAt(i) == ':' && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) {
        return i;
      }
    }
    return -1;
  }

  private List<String> splitOutsideQuotes(String text, Line line) {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quote != 0) {
        if (ch == '\\' && quote == '"' && i + 1 < text.length()) {
          part.append(ch).append(text.charAt(++i));
        } else {
          if (ch == quote) quote = 0;
          part.append(ch);
        }
      } else if (ch == ',') {
        parts.add(part.toString());
        part.setLength(0);
      } else {
        if ((ch == '"' || ch == '\'') && part.toString().isBlank()) quote = ch;
        part.append(ch);
      }
    }
    if (quote != 0) throw error(line, "unterminated quote");
    parts.add(part.toString());
    return parts;
  }

  /** Drops a comment: "#" at the start or after a blank, outside a quoted scalar. */
  private static String stripComment(String raw, String file, int number) {
    char quote = 0;
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      if (quote != 0) {
        boolean escaped =
            quote == '"'
                ? ch == '\\'
                : ch == '\'' && i + 1 < raw.length() && raw.charAt(i + 1) == '\'';
        if (escaped) {
          i++;
        } else if (ch == quote) {
          quote = 0;
        }
      } else if (ch == '#' && (i == 0 || raw.charAt(i - 1) == ' ')) {
        return raw.substring(0, i);
      } else if ((ch == '"' || ch == '\'') && startsScalar(raw, i)) {
        quote = ch;
      }
    }
    if (quote != 0) {
      throw new AssertionError(file + ":" + number + ": unterminated quote (multi-line scalar?)");
    }
    return raw;
  }

  /** A quote opens a quoted scalar only where a scalar can start. */
  private static boolean startsScalar(String raw, int i) {
    int j = i - 1;
    while (j >= 0 && raw.charAt(j) == ' ') j--;
    if (j < 0) return true;
    char before = raw.charAt(j);
    return before == '[' || before == ',' || ((before == '-' || before == ':') && j < i - 1);
  }

  private AssertionError error(Line line, String message) {
    return new AssertionError(file + ":" + line.number() + ": " + message);
  }
}
