package io.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.testing.Integration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator applies: `kubectl kustomize` builds k8s/ and k8s/monitoring/ (kubectl's own
 * kustomize), and every object it builds validates against the Kubernetes and Prometheus Operator
 * schemas (the kubernetes-models npm packages, pinned in k8s/schema-check/). The build sets the
 * image from kustomization.yaml and writes its tag into PARLEY_APP_VERSION.
 */
@Integration
class KustomizeBuildTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SCHEMA_CHECK = Path.of("k8s/schema-check");
  private static final long TIMEOUT_MINUTES = 5;

  @Test
  void everyBuiltObjectValidatesAgainstTheKubernetesSchemas(@TempDir Path out) throws Exception {
    List<Object> objects = new ArrayList<>(build(Manifests.K8S));
    objects.addAll(build(KubernetesManifestsTest.MONITORING));
    Path input = out.resolve("objects.json");
    JSON.writeValue(input.toFile(), objects);
    ensureInstalled();
    Run check = run(SCHEMA_CHECK, "node", "validate.mjs", input.toAbsolutePath().toString());
    assertEquals(0, check.exit(), "schema validation failed:\n" + check.output());
    assertTrue(check.output().contains(objects.size() + " valid, 0 invalid"), check.output());
  }

  @Test
  void theBuildSetsTheImageAndItsTagAsTheAppVersion() throws Exception {
    JsonNode objects = JSON.valueToTree(build(Manifests.K8S));
    int nodes = 0;
    for (JsonNode o : objects) {
      JsonNode spec = o.path("spec").path("template").path("spec");
      for (JsonNode c : spec.path("containers")) {
        String image = c.path("image").asText();
        if (image.startsWith("cassandra")) continue;
        assertEquals("parley:0.1.0", image, o.path("metadata").path("name").asText());
        for (JsonNode e : c.path("env")) {
          if (e.path("name").asText().equals("PARLEY_APP_VERSION")) {
            assertEquals("0.1.0", e.path("value").asText(), "app-version from the image tag");
            nodes++;
          }
        }
      }
    }
    assertEquals(2, nodes, "core and edge carry PARLEY_APP_VERSION");
  }

  /** The documents `kubectl kustomize DIR` prints, as plain maps. */
  private static List<Object> build(Path dir) throws Exception {
    Run build = run(Path.of("."), "kubectl", "kustomize", dir.toString());
    assertEquals(0, build.exit(), "kubectl kustomize " + dir + " failed:\n" + build.output());
    List<Object> documents =
        ManifestYaml.documents(build.output(), "kubectl kustomize " + dir).stream()
            .filter(Objects::nonNull)
            .toList();
    assertFalse(documents.isEmpty(), "kubectl kustomize " + dir + " built nothing");
    return documents;
  }

  /** npm ci in k8s/schema-check/ unless its pinned packages are there already. */
  private static void ensureInstalled() throws Exception {
    JsonNode pinned =
        JSON.readTree(SCHEMA_CHECK.resolve("package.json").toFile()).path("devDependencies");
    boolean installed = true;
    for (var it = pinned.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      Path manifest = SCHEMA_CHECK.resolve("node_modules").resolve(name).resolve("package.json");
      installed &=
          Files.exists(manifest)
              && JSON.readTree(manifest.toFile())
                  .path("version")
                  .asText()
                  .equals(pinned.path(name).asText());
    }
    if (installed) return;
    Run npm = run(SCHEMA_CHECK, "npm", "ci", "--no-audit", "--no-fund");
    assertEquals(0, npm.exit(), "npm ci in " + SCHEMA_CHECK + " failed:\n" + npm.output());
  }

  private record Run(int exit, String output) {}

  private static Run run(Path dir, String... command) throws Exception {
    Process process;
    try {
      process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          command[0]
              + " is missing: kubectl (with its built-in kustomize) and Node.js with npm are"
              + " needed to build and validate k8s/ (docs/operations.md, \"Checking the"
              + " manifests\")",
          e);
    }
    // Small outputs (a few hundred KB at most): read to the end, then wait.
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(
        process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES),
        String.join(" ", command) + " did not finish");
    return new Run(process.exitValue(), output);
  }
}
