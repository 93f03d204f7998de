package io.parley.bench.chaos;

import java.io.PrintStream;

/** Entry point of ./parley chaos: exit 0 when every invariant held after every fault. */
public final class Chaos {
  private Chaos() {}

  public static void main(String[] args) {
    System.exit(run(System.out, args));
  }

  /**
   * 0: every check clean; 1: an invariant broke; 3: every invariant held but a conversation took
   * longer than 12 s to take sends again; 2: bad options or a run that could not go on.
   */
  public static int run(PrintStream out, String... args) {
    if (java.util.Arrays.asList(args).contains("--help")
        || java.util.Arrays.asList(args).contains("-h")) {
      out.println(ChaosOptions.usage());
      return 0;
    }
    ChaosOptions options;
    try {
      options = ChaosOptions.parse(args);
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      out.println(ChaosOptions.usage());
      return 2;
    }
    try {
      ChaosReport report = new ChaosRun(options).run();
      if (report.clean()) return 0;
      return report.invariantsHeld() ? 3 : 1;
    } catch (Exception e) {
      out.println("The chaos run could not go on: " + e.getMessage());
      out.println("Node logs and the report so far are in " + options.out.toAbsolutePath());
      e.printStackTrace(out);
      return 2;
    }
  }
}
