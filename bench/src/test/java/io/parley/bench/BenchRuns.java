package io.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parley.node.Node;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Runs the load tool in this JVM against a test node, and finds what it wrote. */
final class BenchRuns {
  record Run(int status, String output) {}

  private BenchRuns() {}

  static Run bench(Node target, Path out, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String[] all =
        Stream.concat(
                Stream.of(args),
                Stream.of(
                    "--port",
                    Integer.toString(target.httpAddress().getPort()),
                    "--metrics-port",
                    Integer.toString(target.managementAddress().getPort()),
                    "--out",
                    out.toString(),
                    "--drain",
                    "5"))
            .toArray(String[]::new);
    int status;
    try (PrintStream print = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      status = Bench.run(print, all);
    }
    return new Run(status, bytes.toString(StandardCharsets.UTF_8));
  }

  static Path only(Path dir, String suffix) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> found = files.filter(p -> p.toString().endsWith(suffix)).toList();
      assertEquals(1, found.size(), "one " + suffix + " file in " + dir + ": " + found);
      return found.get(0);
    }
  }
}
