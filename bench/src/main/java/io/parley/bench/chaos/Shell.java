package io.parley.bench.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the system tools the nemeses use (ip, kill, bash), each bounded in time. */
final class Shell {
  private static final long TIMEOUT_SECONDS = 300;

  private Shell() {}

  /** Runs a command; its output if it exits 0, else an IOException that quotes it. */
  static String run(String... command) throws IOException {
    return run(List.of(command), null);
  }

  static String run(List<String> command, java.util.Map<String, String> env) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (env != null) builder.environment().putAll(env);
    Process process = builder.start();
    try {
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(
            String.join(" ", command) + " did not end in " + TIMEOUT_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command) + " failed (" + process.exitValue() + "): " + out.strip());
      }
      return out;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }

  /** Runs a clean-up command whose failure (nothing to clean) does not matter. */
  static void quietly(String... command) {
    try {
      run(command);
    } catch (IOException ignored) {
      // nothing to remove
    }
  }

  /** Sends a signal (KILL, STOP, CONT, TERM) to a process. */
  static void signal(long pid, String signal) throws IOException {
    run("kill", "-" + signal, Long.toString(pid));
  }
}
