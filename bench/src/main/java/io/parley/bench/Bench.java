package io.parley.bench;

import java.io.PrintStream;

/**
 * {@code ./parley bench}: Parley's load tool. Real clients (WebSocket, or raw TCP for idle sockets)
 * against a running node, open-loop rates with latency from the intended send time, a delivery
 * check on every run, and a table, a JSON file and an HTML chart under {@code target/bench}. See
 * {@link Options#USAGE} and docs/benchmarks.md.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) {
    System.exit(run(System.out, args));
  }

  /**
   * Runs the tool and returns its exit status: 0 ok, 1 the checker failed, 2 usage, 3 could not
   * run.
   */
  public static int run(PrintStream out, String... args) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      if (!"help".equals(e.getMessage())) out.println("bench: " + e.getMessage());
      out.print(Options.USAGE);
      return "help".equals(e.getMessage()) ? 0 : 2;
    }
    try {
      return switch (o.scenario()) {
        case "idle" -> new IdleBench(o, out).run();
        case "ceiling" ->
            o.pacedCeiling() ? new PacedCeiling(o, out).run() : new Ceiling(o, out).run();
        default -> new LoadBench(o, out).run();
      };
    } catch (Exception e) {
      out.println("bench: the run failed: " + e);
      e.printStackTrace(out);
      return 3;
    }
  }
}
