package io.parley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.node.Node;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import io.parley.testing.TestTls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The web client in a real browser: the specs {@code e2e/*.spec.mjs} (Playwright driving Debian's
 * headless Chromium), run one after another by {@code e2e/run.mjs}, against a real node that serves
 * the client at {@code /}. In {@code chat.spec.mjs} two people chat; one goes offline while the
 * other sends ten messages; back online, every message shows once and in order, the unread badges
 * of that user's two tabs (two devices) agree, and a read in one tab clears the badge in the other.
 * An avatar URL on another host (a local server standing in for a tracker) is never requested: the
 * list shows the user's initial. Each other spec covers one feature of the client (its header says
 * which). The specs leave screenshots in {@code target/e2e}.
 *
 * <p>Needs Node.js and {@code /usr/bin/chromium} ({@code .ci/run} installs both when missing):
 * without them this test fails and says how to install them; it never skips.
 */
@Integration
class WebClientTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration SPEC_TIMEOUT = Duration.ofMinutes(5);

  private final Path root = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  private final Path e2e = root.resolve("e2e");
  private final Path out = root.resolve("target").resolve("e2e");

  @Test
  void twoBrowsersChatThroughANetworkDropWithNothingLostOrDuplicated() throws Exception {
    chat(Map.of(), "http", out, List.of());
  }

  /**
   * The same chat from a node with TLS on both ports, as {@code ./parley run --tls} starts it: the
   * page over https:// (the browser told to accept the test certificate) opens its WebSocket over
   * wss:// by itself. Only the chat spec: the other features do not depend on the scheme.
   */
  @Test
  void theSameChatWorksOverHttpsAndWss() throws Exception {
    chat(
        TestTls.shared().nodeSettings(),
        "https",
        out.resolveSibling("e2e-tls"),
        List.of("chat.spec.mjs"));
  }

  private void chat(Map<String, Object> settings, String scheme, Path out, List<String> specs)
      throws Exception {
    assertTrue(
        Files.isExecutable(CHROMIUM),
        "Chromium is missing at "
            + CHROMIUM
            + ": install it with `apt-get update && apt-get install -y chromium`"
            + " (Debian; .ci/run does this in CI)");
    requireNode();
    ensurePlaywright();
    Files.createDirectories(out);
    Files.deleteIfExists(out.resolve("chat.png"));

    try (Node node = TestNodes.start(settings)) {
      String base =
          scheme
              + "://"
              + node.httpAddress().getHostString()
              + ":"
              + node.httpAddress().getPort()
              + "/";
      List<String> command = new ArrayList<>(List.of("node", "run.mjs"));
      command.addAll(specs);
      Run spec =
          run(
              command,
              Map.of("PARLEY_BASE_URL", base, "PARLEY_E2E_OUT", out.toString()),
              SPEC_TIMEOUT);
      assertEquals(0, spec.exit(), "e2e/run.mjs failed; its output:\n" + spec.output());
    }
    assertTrue(Files.size(out.resolve("chat.png")) > 0, "the script wrote target/e2e/chat.png");
  }

  private void requireNode() throws Exception {
    try {
      Run version = run(List.of("node", "--version"), Map.of(), Duration.ofSeconds(30));
      assertEquals(0, version.exit(), "node --version failed:\n" + version.output());
    } catch (IOException e) {
      fail(
          "Node.js is missing: install it with `apt-get install -y nodejs npm` (Debian; .ci/run does this in CI)");
    }
  }

  /** {@code npm ci} in e2e/ unless the pinned playwright-core is installed there already. */
  private void ensurePlaywright() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String pinned =
        json.readTree(e2e.resolve("package.json").toFile())
            .path("devDependencies")
            .path("playwright-core")
            .asText();
    Path installed = e2e.resolve("node_modules/playwright-core/package.json");
    if (Files.exists(installed)) {
      JsonNode manifest = json.readTree(installed.toFile());
      if (pinned.equals(manifest.path("version").asText())) return;
    }
    System.out.println("[e2e] installing playwright-core " + pinned + " with npm ci in " + e2e);
    Run npm;
    try {
      npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), NPM_TIMEOUT);
    } catch (IOException e) {
      throw new AssertionError(
          "npm is missing: install it with `apt-get install -y npm` (Debian)", e);
    }
    assertEquals(0, npm.exit(), "npm ci in e2e/ failed; its output:\n" + npm.output());
  }

  private record Run(int exit, String output) {}

  /** Runs a command in e2e/, copying its output to this test's log as it comes. */
  private Run run(List<String> command, Map<String, String> env, Duration timeout)
      throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(e2e.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    StringBuilder output = new StringBuilder();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                  System.out.println("[" + command.get(0) + "] " + line);
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                }
              } catch (IOException e) {
                // the process is gone; what it printed is kept
              }
            },
            "e2e-output");
    pump.setDaemon(true);
    pump.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(
            String.join(" ", command)
                + " did not finish within "
                + timeout
                + "; its output:\n"
                + text(output));
      }
      pump.join(TimeUnit.SECONDS.toMillis(10));
      return new Run(process.exitValue(), text(output));
    } finally {
      // A timed-out or interrupted run must not leave a browser behind.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static String text(StringBuilder output) {
    synchronized (output) {
      return output.toString();
    }
  }
}
