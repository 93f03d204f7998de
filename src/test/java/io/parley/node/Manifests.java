package io.parley.node;

import static io.parley.node.StrictManifests.STRICT;
import static io.parley.node.StrictManifests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.parley.node.StrictManifests.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The k8s/ directory as its manifests, their workloads and the Parley nodes among them, with the
 * lookups the tests share: an object by kind and name, a pod's environment as Kubernetes builds it,
 * and conf/application.conf as that environment resolves it.
 */
final class Manifests {
  static final Path K8S = Path.of("k8s");
  static final Path CONF = Path.of("conf/application.conf");
  private static final Path DOCKERFILE = Path.of("Dockerfile");
  static final String KUSTOMIZATION = "kustomization.yaml";
  static final String NAMESPACE = "parley";

  /** What the downward API gives a pod for status.podIP: any address will do here. */
  static final String SOME_POD_IP = "10.1.2.3";

  final List<Manifest> manifests;
  final List<Workload> workloads;

  /** The Parley node workloads: the pods Cluster Bootstrap discovers. */
  final List<Workload> nodes;

  final String parleyImage;

  /** Pekko's configuration as the classpath gives it: reference.conf files and application.conf. */
  final Config pekko;

  /** Parses every manifest in k8s/ (strictly) and finds the workloads and the one Parley image. */
  static Manifests load() throws IOException {
    return new Manifests(parseAll(K8S), ConfigFactory.load());
  }

  /** Every manifest of one kustomization directory (k8s/, k8s/monitoring/), parsed strictly. */
  static List<Manifest> parseAll(Path dir) throws IOException {
    List<Manifest> manifests = new ArrayList<>();
    for (Path file : yamlFiles(dir)) {
      if (file.getFileName().toString().equals(KUSTOMIZATION)) continue;
      manifests.addAll(parse(file.toString(), Files.readString(file)));
    }
    return manifests;
  }

  private Manifests(List<Manifest> manifests, Config pekko) {
    this.manifests = manifests;
    this.pekko = pekko;
    List<Workload> workloads = new ArrayList<>();
    for (Deployment d : all(Deployment.class)) {
      workloads.add(
          new Workload(
              "Deployment",
              name(d),
              d.getSpec().getSelector(),
              d.getSpec().getReplicas(),
              d.getSpec().getTemplate()));
    }
    for (StatefulSet s : all(StatefulSet.class)) {
      workloads.add(
          new Workload(
              "StatefulSet",
              name(s),
              s.getSpec().getSelector(),
              s.getSpec().getReplicas(),
              s.getSpec().getTemplate()));
    }
    for (Job j : all(Job.class)) {
      workloads.add(new Workload("Job", name(j), null, null, j.getSpec().getTemplate()));
    }
    this.workloads = workloads;
    LabelSelector bootstrap = bootstrapSelector();
    nodes = workloads.stream().filter(w -> matches(bootstrap, w.podLabels())).toList();
    Set<String> images =
        nodes.stream()
            .flatMap(w -> w.containers().stream())
            .map(Container::getImage)
            .collect(Collectors.toSet());
    assertEquals(1, images.size(), "core and edge nodes must run one image, found " + images);
    parleyImage = images.iterator().next();
  }

  static List<Path> yamlFiles() throws IOException {
    return yamlFiles(K8S);
  }

  static List<Path> yamlFiles(Path dir) throws IOException {
    assertTrue(Files.isDirectory(dir), "run from the repository root: no " + dir.toAbsolutePath());
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
  }

  static List<String> dockerEntrypoint() throws IOException {
    String line =
        Files.readAllLines(DOCKERFILE).stream()
            .filter(l -> l.startsWith("ENTRYPOINT "))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("Dockerfile has no ENTRYPOINT"));
    return List.of(STRICT.readValue(line.substring("ENTRYPOINT ".length()), String[].class));
  }

  // ---- model helpers

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return manifests.stream()
        .map(Manifest::object)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }

  <T extends HasMetadata> T find(Class<T> type, String name) {
    return all(type).stream().filter(o -> name(o).equals(name)).findFirst().orElse(null);
  }

  <T extends HasMetadata> T one(Class<T> type, String name) {
    T found = find(type, name);
    if (found == null) {
      throw new AssertionError("no " + HasMetadata.getKind(type) + " named " + name + " in k8s/");
    }
    return found;
  }

  static String name(HasMetadata object) {
    return object.getMetadata().getName();
  }

  Workload workload(String kind, String name) {
    return workloads.stream()
        .filter(w -> w.kind().equals(kind) && w.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  Workload node(String component) {
    return nodes.stream()
        .filter(w -> component.equals(w.podLabels().get("component")))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no Parley node workload labelled component=" + component));
  }

  /** Workloads running the Parley image: the nodes and the schema Job. */
  List<Workload> parleyWorkloads() {
    return workloads.stream()
        .filter(w -> w.containers().stream().anyMatch(c -> c.getImage().equals(parleyImage)))
        .toList();
  }

  static Container container(Workload w) {
    assertEquals(1, w.containers().size(), w + " should run one container");
    return w.containers().get(0);
  }

  static EnvVar env(Container c, String name) {
    return list(c.getEnv()).stream().filter(e -> e.getName().equals(name)).findFirst().orElse(null);
  }

  static <T> List<T> list(List<T> maybe) {
    return maybe == null ? List.of() : maybe;
  }

  static ContainerPort containerPort(Workload w, IntOrString port) {
    return w.containers().stream()
        .flatMap(c -> list(c.getPorts()).stream())
        .filter(
            p ->
                port.getStrVal() != null
                    ? port.getStrVal().equals(p.getName())
                    : Objects.equals(port.getIntVal(), p.getContainerPort()))
        .findFirst()
        .orElse(null);
  }

  static String describe(IntOrString port) {
    return port.getStrVal() != null ? port.getStrVal() : String.valueOf(port.getIntVal());
  }

  static int allowedDisruptions(PodDisruptionBudget pdb, int replicas) {
    IntOrString min = pdb.getSpec().getMinAvailable();
    IntOrString max = pdb.getSpec().getMaxUnavailable();
    assertTrue(
        (min == null) != (max == null),
        "PodDisruptionBudget " + name(pdb) + ": set one of minAvailable and maxUnavailable");
    assertTrue(
        (min == null || min.getIntVal() != null) && (max == null || max.getIntVal() != null),
        "PodDisruptionBudget " + name(pdb) + ": use counts, not percentages");
    return min != null ? replicas - min.getIntVal() : max.getIntVal();
  }

  /** Cluster Bootstrap's pod selector: pod-label-selector formatted with the service name. */
  LabelSelector bootstrapSelector() {
    String service =
        pekko.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name");
    String selector =
        String.format(
            pekko.getString("pekko.discovery.kubernetes-api.pod-label-selector"), service);
    Map<String, String> labels = new LinkedHashMap<>();
    for (String term : selector.split(",")) {
      String[] kv = term.split("=", 2);
      assertEquals(2, kv.length, "this test reads only key=value pod label selectors: " + selector);
      labels.put(kv[0].strip(), kv[1].strip());
    }
    LabelSelector result = new LabelSelector();
    result.setMatchLabels(labels);
    return result;
  }

  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) return false;
    Map<String, String> required =
        selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    if (!labels.entrySet().containsAll(required.entrySet())) return false;
    for (LabelSelectorRequirement r : list(selector.getMatchExpressions())) {
      String value = labels.get(r.getKey());
      boolean ok =
          switch (r.getOperator()) {
            case "In" -> value != null && r.getValues().contains(value);
            case "NotIn" -> value == null || !r.getValues().contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new AssertionError("unknown selector operator " + r.getOperator());
          };
      if (!ok) return false;
    }
    return !required.isEmpty() || !list(selector.getMatchExpressions()).isEmpty();
  }

  // ---- pod environment

  /**
   * The environment one container gets: envFrom first, then env (which wins), as Kubernetes does.
   */
  Map<String, String> environment(Workload w, Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : list(c.getEnvFrom())) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      if (from.getConfigMapRef() != null) {
        one(ConfigMap.class, from.getConfigMapRef().getName())
            .getData()
            .forEach((k, v) -> env.put(prefix + k, v));
      }
      if (from.getSecretRef() != null) {
        secretData(one(Secret.class, from.getSecretRef().getName()))
            .forEach((k, v) -> env.put(prefix + k, v));
      }
    }
    for (EnvVar e : list(c.getEnv())) {
      env.put(e.getName(), valueOf(e));
    }
    return env;
  }

  private String valueOf(EnvVar e) {
    if (e.getValueFrom() == null) return e.getValue() == null ? "" : e.getValue();
    var source = e.getValueFrom();
    if (source.getFieldRef() != null) {
      return switch (source.getFieldRef().getFieldPath()) {
        case "status.podIP" -> SOME_POD_IP;
        case "metadata.namespace" -> NAMESPACE;
        default -> "<" + source.getFieldRef().getFieldPath() + ">";
      };
    }
    if (source.getConfigMapKeyRef() != null) {
      return one(ConfigMap.class, source.getConfigMapKeyRef().getName())
          .getData()
          .get(source.getConfigMapKeyRef().getKey());
    }
    if (source.getSecretKeyRef() != null) {
      return secretData(one(Secret.class, source.getSecretKeyRef().getName()))
          .get(source.getSecretKeyRef().getKey());
    }
    throw new AssertionError(e.getName() + ": valueFrom kind this test does not model");
  }

  static Map<String, String> secretData(Secret secret) {
    Map<String, String> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) ->
                  data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) data.putAll(secret.getStringData());
    return data;
  }

  /** conf/application.conf resolved against a pod's environment alone, as the node would. */
  Config nodeConfig(Workload node) {
    return resolve(environment(node, container(node)));
  }

  static Config resolve(Map<String, String> environment) {
    // Environment variables sit at the root, which is where ${?NAME} looks before the real
    // environment; the real one is switched off so the machine running the test cannot leak in.
    return ConfigFactory.parseFile(CONF.toFile())
        .withFallback(ConfigValueFactory.fromMap(environment).toConfig())
        .resolve(ConfigResolveOptions.noSystem());
  }

  static List<String> roles(Config conf) {
    return Stream.of(conf.getString("parley.node.roles").split(","))
        .map(String::strip)
        .filter(r -> !r.isEmpty())
        .toList();
  }
}
