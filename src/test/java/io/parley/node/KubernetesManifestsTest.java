package io.parley.node;

import static io.parley.node.Manifests.K8S;
import static io.parley.node.Manifests.KUSTOMIZATION;
import static io.parley.node.Manifests.NAMESPACE;
import static io.parley.node.Manifests.allowedDisruptions;
import static io.parley.node.Manifests.containerPort;
import static io.parley.node.Manifests.describe;
import static io.parley.node.Manifests.list;
import static io.parley.node.Manifests.matches;
import static io.parley.node.Manifests.name;
import static io.parley.node.Manifests.secretData;
import static io.parley.node.Manifests.yamlFiles;
import static io.parley.node.StrictManifests.KINDS;
import static io.parley.node.StrictManifests.assertNoAdditionalProperties;
import static io.parley.node.StrictManifests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.parley.auth.Tokens;
import io.parley.node.StrictManifests.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The k8s/ manifests, parsed strictly into fabric8's Kubernetes model (a misspelt or unknown field
 * fails, as `kubectl apply --validate=strict` would), then checked against each other: namespaces,
 * selectors, Services, disruption budgets, ConfigMap and Secret references, and the kustomization
 * that applies them. {@link KubernetesNodePodsTest} checks the Parley node pods.
 */
class KubernetesManifestsTest {
  private static final String SECRET_TEMPLATE = "secret-template.yaml";
  static final Path MONITORING = K8S.resolve("monitoring");

  private static Manifests k8s;

  @BeforeAll
  static void loadManifests() throws IOException {
    k8s = Manifests.load();
  }

  // ---- parsing

  @Test
  void manifestsParseStrictlyIntoKubernetesModelTypes() throws IOException {
    List<Manifest> monitoring = Manifests.parseAll(MONITORING);
    Set<String> kinds = new TreeSet<>();
    for (Manifest m : k8s.manifests) kinds.add(m.object().getKind());
    for (Manifest m : monitoring) kinds.add(m.object().getKind());
    assertEquals(
        new TreeSet<>(KINDS.keySet()),
        kinds,
        "k8s/ and k8s/monitoring/ should define one object of every kind Parley deploys");
    for (Manifest m : k8s.manifests) assertNoAdditionalProperties(m.object(), m.where());
    for (Manifest m : monitoring) assertNoAdditionalProperties(m.object(), m.where());
  }

  @Test
  void strictParsingRejectsUnknownFieldsCoercedScalarsAndAmbiguousYaml() {
    String deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n";
    assertRejected("replica", deployment + "  replica: 3\n");
    assertRejected("replicas", deployment + "  replicas: \"3\"\n");
    String configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n";
    assertRejected("A", configMap + "  A: 2\n");
    assertRejected("on", configMap + "  A: on\n");
    assertRejected(
        "apps/v1beta1", "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: x\n");
    assertRejected(
        "Ingress", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: x\n");
    assertEquals(
        2, parse("ok", configMap + "  A: \"2\"\n---\n" + configMap + "  B: \"on\"\n").size());
  }

  private static void assertRejected(String expectedInMessage, String yaml) {
    AssertionError e = assertThrows(AssertionError.class, () -> parse("snippet", yaml), yaml);
    assertTrue(
        e.getMessage().contains(expectedInMessage),
        "message should name " + expectedInMessage + ": " + e.getMessage());
  }

  // ---- objects

  @Test
  void everyObjectLivesInTheParleyNamespace() {
    assertEquals(
        List.of(NAMESPACE), k8s.all(Namespace.class).stream().map(Manifests::name).toList());
    for (Manifest m : k8s.manifests) {
      if (m.object() instanceof Namespace) continue;
      assertEquals(
          NAMESPACE, m.object().getMetadata().getNamespace(), m.where() + ": metadata.namespace");
    }
  }

  @Test
  void workloadSelectorsMatchTheirOwnPodTemplatesOnly() {
    for (Workload w : k8s.workloads) {
      if (w.selector() == null) continue;
      assertTrue(
          matches(w.selector(), w.podLabels()),
          w + ": selector " + w.selector() + " does not match its pod labels " + w.podLabels());
      for (Workload other : k8s.workloads) {
        if (other == w) continue;
        assertFalse(
            matches(w.selector(), other.podLabels()),
            "%s: selector also matches the pods of %s; add a distinguishing label (component)"
                .formatted(w, other));
      }
    }
  }

  @Test
  void servicesRouteToPodsThatExposeTheirTargetPorts() {
    for (Service s : k8s.all(Service.class)) {
      Map<String, String> selector = s.getSpec().getSelector();
      assertNotNull(selector, "Service " + name(s) + " has no selector");
      List<Workload> selected =
          k8s.workloads.stream()
              .filter(w -> w.podLabels().entrySet().containsAll(selector.entrySet()))
              .toList();
      assertFalse(
          selected.isEmpty(),
          "Service " + name(s) + ": selector " + selector + " matches no pod template");
      for (Workload w : selected) {
        for (ServicePort port : s.getSpec().getPorts()) {
          IntOrString target =
              port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
          assertNotNull(
              containerPort(w, target),
              "Service %s port %s targets %s, which %s does not expose"
                  .formatted(name(s), port.getName(), describe(target), w));
        }
      }
    }
    for (Workload w : k8s.workloads) {
      if (!w.kind().equals("StatefulSet")) continue;
      StatefulSet sts = k8s.one(StatefulSet.class, w.name());
      Service governing = k8s.one(Service.class, sts.getSpec().getServiceName());
      assertEquals(
          "None",
          governing.getSpec().getClusterIP(),
          w + ": its service " + name(governing) + " must be headless for stable pod names");
    }
  }

  @Test
  void edgeIsReachableThroughALoadBalancerAndManagementThroughAHeadlessService() {
    Service edge = k8s.one(Service.class, "parley-edge");
    assertEquals("LoadBalancer", edge.getSpec().getType(), "parley-edge Service type");
    Config edgeConf = k8s.nodeConfig(k8s.node("edge"));
    assertEquals(
        Set.of(edgeConf.getInt("parley.edge.http-port"), edgeConf.getInt("parley.edge.tcp-port")),
        edge.getSpec().getPorts().stream().map(ServicePort::getPort).collect(Collectors.toSet()),
        "parley-edge Service ports");
    Service management = k8s.one(Service.class, "parley-management");
    assertEquals("None", management.getSpec().getClusterIP(), "parley-management must be headless");
    assertEquals(
        List.of(edgeConf.getInt("parley.management.port")),
        management.getSpec().getPorts().stream().map(ServicePort::getPort).toList());
  }

  @Test
  void disruptionBudgetsEachCoverOneWorkloadAndStillAllowADrain() {
    for (PodDisruptionBudget pdb : k8s.all(PodDisruptionBudget.class)) {
      List<Workload> covered =
          k8s.workloads.stream()
              .filter(w -> matches(pdb.getSpec().getSelector(), w.podLabels()))
              .toList();
      assertEquals(
          1,
          covered.size(),
          "PodDisruptionBudget %s should cover exactly one workload, covers %s"
              .formatted(name(pdb), covered));
      Workload w = covered.get(0);
      assertTrue(
          allowedDisruptions(pdb, w.replicas()) >= 1,
          "PodDisruptionBudget %s allows no disruption of %s: node drains would hang"
              .formatted(name(pdb), w));
    }
    for (Workload node : k8s.nodes) {
      assertTrue(
          k8s.all(PodDisruptionBudget.class).stream()
              .anyMatch(p -> matches(p.getSpec().getSelector(), node.podLabels())),
          node + " has no PodDisruptionBudget");
    }
  }

  @Test
  void configMapAndSecretReferencesResolve() {
    for (Workload w : k8s.workloads) {
      for (Container c : w.containers()) {
        String where = w + " container " + c.getName();
        for (EnvFromSource from : list(c.getEnvFrom())) {
          if (from.getConfigMapRef() != null) {
            String map = from.getConfigMapRef().getName();
            assertNotNull(
                k8s.find(ConfigMap.class, map),
                "%s: envFrom ConfigMap %s, not in k8s/".formatted(where, map));
          }
          if (from.getSecretRef() != null) {
            String secret = from.getSecretRef().getName();
            assertNotNull(
                k8s.find(Secret.class, secret),
                "%s: envFrom Secret %s, not in k8s/".formatted(where, secret));
          }
        }
        for (EnvVar e : list(c.getEnv())) {
          if (e.getValueFrom() == null) continue;
          var cm = e.getValueFrom().getConfigMapKeyRef();
          if (cm != null) {
            ConfigMap map = k8s.find(ConfigMap.class, cm.getName());
            assertNotNull(
                map,
                "%s: %s refers to ConfigMap %s, not in k8s/"
                    .formatted(where, e.getName(), cm.getName()));
            assertTrue(
                map.getData().containsKey(cm.getKey()),
                "%s: %s refers to key %s, not in ConfigMap %s"
                    .formatted(where, e.getName(), cm.getKey(), cm.getName()));
          }
          var sk = e.getValueFrom().getSecretKeyRef();
          if (sk != null) {
            Secret secret = k8s.find(Secret.class, sk.getName());
            assertNotNull(
                secret,
                where + ": " + e.getName() + " refers to Secret " + sk.getName() + ", not in k8s/");
            assertTrue(
                secretData(secret).containsKey(sk.getKey()),
                "%s: %s refers to key %s, not in Secret %s"
                    .formatted(where, e.getName(), sk.getKey(), sk.getName()));
          }
        }
      }
    }
  }

  // ---- kustomization and the secret template

  @Test
  void kustomizationAppliesEveryManifestButTheSecretTemplate() throws IOException {
    assertKustomizationListsEveryManifest(K8S, Set.of(SECRET_TEMPLATE));
    assertFalse(
        kustomization(K8S).get("resources").toString().contains(SECRET_TEMPLATE),
        "%s must not apply %s: it would overwrite the real secrets with the placeholders"
            .formatted(KUSTOMIZATION, SECRET_TEMPLATE));
    assertKustomizationListsEveryManifest(MONITORING, Set.of());
  }

  static Map<?, ?> kustomization(Path dir) throws IOException {
    Path file = dir.resolve(KUSTOMIZATION);
    Object parsed = ManifestYaml.documents(Files.readString(file), file.toString()).get(0);
    assertTrue(parsed instanceof Map<?, ?>, file + " should be a mapping");
    return (Map<?, ?>) parsed;
  }

  private static void assertKustomizationListsEveryManifest(Path dir, Set<String> leftOut)
      throws IOException {
    Object resources = kustomization(dir).get("resources");
    assertTrue(resources instanceof List<?>, dir + "/" + KUSTOMIZATION + " should list resources");
    Set<String> listed = new LinkedHashSet<>();
    for (Object r : (List<?>) resources) {
      assertTrue(
          Files.isRegularFile(dir.resolve(String.valueOf(r))),
          dir + "/" + KUSTOMIZATION + " lists " + r + ", which is not a file there");
      assertTrue(
          listed.add(String.valueOf(r)), dir + "/" + KUSTOMIZATION + " lists " + r + " twice");
    }
    Set<String> files = new TreeSet<>();
    for (Path file : yamlFiles(dir)) files.add(file.getFileName().toString());
    files.remove(KUSTOMIZATION);
    files.removeAll(leftOut);
    assertEquals(
        files,
        new TreeSet<>(listed),
        dir + "/" + KUSTOMIZATION + " should list every manifest there except " + leftOut);
  }

  @Test
  void theImageIsSetThroughKustomizeAndItsTagIsTheAppVersion() throws IOException {
    // The workloads name the image only; kustomization.yaml's images entry says where it is.
    assertEquals("parley", k8s.parleyImage, "the nodes' image, as the workloads name it");
    for (Workload w : k8s.parleyWorkloads()) {
      for (Container c : w.containers()) {
        if (!c.getImage().startsWith("cassandra")) {
          assertEquals("parley", c.getImage(), w + ": no registry or tag baked in");
        }
      }
    }
    for (Path file : yamlFiles()) {
      assertFalse(
          Files.readString(file).contains("example.com"),
          file + " names an example registry, which no cluster can pull from");
    }
    Map<?, ?> kustomization = kustomization(K8S);
    Map<?, ?> image =
        ((List<?>) kustomization.get("images"))
            .stream()
                .map(i -> (Map<?, ?>) i)
                .filter(i -> "parley".equals(i.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no images entry for parley"));
    String tag = String.valueOf(image.get("newTag"));
    assertTrue(tag.matches("[0-9]+(\\.[0-9]+)*(-[A-Za-z0-9.]+)?"), "newTag a version: " + tag);
    // The tag reaches pekko.cluster.app-version: the variable is in each node, and the
    // kustomization's replacement writes the image's tag into it (KustomizeBuildTest builds it).
    for (Workload node : k8s.nodes) {
      assertEquals(
          tag,
          k8s.nodeConfig(node).getString("pekko.cluster.app-version"),
          node + ": pekko.cluster.app-version (PARLEY_APP_VERSION) should be newTag");
    }
    String replacements = kustomization.get("replacements").toString();
    assertTrue(
        replacements.contains("PARLEY_APP_VERSION") && replacements.contains("image"),
        "kustomization.yaml replaces PARLEY_APP_VERSION with the image's tag: " + replacements);
  }

  @Test
  void secretTemplateIsAPlaceholderTheNodeRefuses() {
    Workload edge = k8s.node("edge");
    Config conf = k8s.nodeConfig(edge);
    assertThrows(
        IllegalArgumentException.class,
        () -> Tokens.from(conf),
        "a node started with the Secret template's placeholder must refuse to start, not sign"
            + " tokens with a public secret");
  }
}
