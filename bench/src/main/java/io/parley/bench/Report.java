package io.parley.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The terminal table, the JSON file and (through {@link Chart}) the HTML chart of a run. */
final class Report {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Report() {}

  static String table(List<StepResult> steps) {
    StringBuilder s = new StringBuilder();
    String block =
        String.format(Locale.ROOT, "%6s %6s %6s %7s %7s", "p50", "p90", "p99", "p99.9", "max");
    String cpu =
        String.format(
            Locale.ROOT,
            "%11s %11s %15s %9s",
            "node us/msg",
            "cass us/msg",
            "node usr/sys us",
            "ctxsw/msg");
    s.append(
        String.format(
            Locale.ROOT,
            "%-6s %8s %9s %10s | %-35s | %-35s | %-49s | %-6s %s%n",
            "",
            "",
            "",
            "",
            "send->sent (ms)",
            "send->delivered (ms)",
            "CPU per message (measured seconds)",
            "",
            ""));
    s.append(
        String.format(
            Locale.ROOT,
            "%-6s %8s %9s %10s | %s | %s | %s | %-6s %s%n",
            "step",
            "offered",
            "msgs/s",
            "deliv/s",
            block,
            block,
            cpu,
            "check",
            "errors"));
    for (StepResult r : steps) {
      s.append(
          String.format(
              Locale.ROOT,
              "%-6s %8.0f %9.1f %10.1f | %s | %s | %s | %-6s %s%n",
              r.tag(),
              r.offeredRate(),
              r.msgsPerSecond(),
              r.deliveriesPerSecond(),
              percentiles(r.sendToSent()),
              percentiles(r.sendToDelivered()),
              r.cpu().cells(),
              r.verdict().ok() ? "ok" : "FAILED",
              r.errors().isEmpty() ? "-" : r.errors()));
    }
    return s.toString();
  }

  private static String percentiles(Latencies.Summary l) {
    return String.format(
        Locale.ROOT, "%6.1f %6.1f %6.1f %7.1f %7.1f", l.p50(), l.p90(), l.p99(), l.p999(), l.max());
  }

  /** The fields every report starts with; {@code started} is when the run began. */
  static Map<String, Object> header(String scenario, String label, String started) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tool", "parley bench");
    m.put("scenario", scenario);
    m.put("label", label);
    m.put("started", started);
    m.put("machine", machine());
    return m;
  }

  /** Machine facts for the report: the numbers mean little without them. */
  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("memory_mb", firstNumber("/proc/meminfo", "MemTotal:") / 1024);
    m.put("cpu", firstLine("/proc/cpuinfo", "model name"));
    m.put(
        "jdk",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("note", "Cassandra, the node and this load tool share this one machine");
    return m;
  }

  /** Writes {@code <out>/<name>.json}, returning the path. */
  static Path writeJson(Path out, String name, Map<String, Object> report) throws IOException {
    Files.createDirectories(out);
    Path file = out.resolve(name + ".json");
    JSON.writeValue(file.toFile(), report);
    return file;
  }

  static String fileName(String scenario) {
    return "bench-"
        + scenario
        + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }

  private static long firstNumber(String file, String prefix) {
    String line = firstLine(file, prefix);
    try {
      return Long.parseLong(line.replaceAll("[^0-9]", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String firstLine(String file, String prefix) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(prefix)) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException e) {
      return "?";
    }
    return "?";
  }
}
