package io.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueFactory;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.parley.user.Tokens;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The k8s/ manifests, parsed strictly into fabric8's Kubernetes model (a misspelt or unknown field
 * fails, as `kubectl apply --validate=strict` would), then checked against each other, against
 * conf/application.conf as each pod's environment resolves it, and against Pekko's own
 * configuration (health-check paths, Cluster Bootstrap's pod selector, shutdown phases).
 */
class KubernetesManifestsTest {
  private static final Path K8S = Path.of("k8s");
  private static final Path CONF = Path.of("conf/application.conf");
  private static final Path DOCKERFILE = Path.of("Dockerfile");
  private static final String KUSTOMIZATION = "kustomization.yaml";
  private static final String SECRET_TEMPLATE = "secret-template.yaml";
  private static final String NAMESPACE = "parley";
  private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  /** What the downward API gives a pod for status.podIP: any address will do here. */
  private static final String SOME_POD_IP = "10.1.2.3";

  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Stream.<Class<? extends HasMetadata>>of(
              Deployment.class,
              StatefulSet.class,
              Service.class,
              ConfigMap.class,
              Secret.class,
              ServiceAccount.class,
              Role.class,
              RoleBinding.class,
              PodDisruptionBudget.class,
              Job.class,
              Namespace.class)
          .collect(Collectors.toMap(HasMetadata::getKind, c -> c));

  /** A quantity is a string ("500m", "2Gi") or a plain number, as in kubectl. */
  private static final JsonDeserializer<Quantity> QUANTITY =
      new JsonDeserializer<>() {
        @Override
        public Quantity deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
          JsonToken token = p.currentToken();
          if (token != JsonToken.VALUE_STRING
              && token != JsonToken.VALUE_NUMBER_INT
              && token != JsonToken.VALUE_NUMBER_FLOAT) {
            return (Quantity) ctxt.handleUnexpectedToken(Quantity.class, p);
          }
          return Quantity.parse(p.getText());
        }
      };

  /**
   * Jackson with fabric8's catch-all for unknown fields ({@code @JsonAnySetter} into
   * additionalProperties) switched off, unknown properties failing, and no scalar coercion:
   * `replicas: "3"` or an unquoted number in a ConfigMap fails here as it fails in kubectl.
   *
   * <p>Jackson 2 (Pekko's, on the classpath), not the Jackson 3 that fabric8 8 is built for:
   * Jackson 3.2 needs jackson-annotations 2.21, and the test classpath resolves Pekko's 2.19. The
   * model's mapping annotations are the shared com.fasterxml.jackson.annotation ones, so Jackson 2
   * reads the model the same way; the one Jackson-3-only deserializer the manifests need,
   * Quantity's, is replaced by {@link #QUANTITY}.
   */
  private static final ObjectMapper STRICT = strictMapper();

  private static ObjectMapper strictMapper() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.setAnnotationIntrospector(
        new JacksonAnnotationIntrospector() {
          @Override
          public Boolean hasAnySetter(Annotated a) {
            return false;
          }
        });
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    mapper.registerModule(new SimpleModule().addDeserializer(Quantity.class, QUANTITY));
    return mapper;
  }

  record Manifest(String where, HasMetadata object) {}

  /** A pod-creating object: its selector (none for a Job), replicas and pod template. */
  record Workload(
      String kind,
      String name,
      LabelSelector selector,
      Integer replicas,
      PodTemplateSpec template) {
    Map<String, String> podLabels() {
      return template.getMetadata().getLabels() == null
          ? Map.of()
          : template.getMetadata().getLabels();
    }

    List<Container> containers() {
      return template.getSpec().getContainers();
    }

    @Override
    public String toString() {
      return kind + " " + name;
    }
  }

  private static List<Manifest> manifests;
  private static List<Workload> workloads;

  /** The Parley node workloads: the pods Cluster Bootstrap discovers. */
  private static List<Workload> nodes;

  private static String parleyImage;

  /** Pekko's configuration as the classpath gives it: reference.conf files and application.conf. */
  private static Config pekko;

  @BeforeAll
  static void parseManifests() throws IOException {
    manifests = new ArrayList<>();
    for (Path file : yamlFiles()) {
      if (file.getFileName().toString().equals(KUSTOMIZATION)) continue;
      manifests.addAll(parse(file.toString(), Files.readString(file)));
    }
    workloads = new ArrayList<>();
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
    pekko = ConfigFactory.load();
    nodes = workloads.stream().filter(w -> matches(bootstrapSelector(), w.podLabels())).toList();
    Set<String> images =
        nodes.stream()
            .flatMap(w -> w.containers().stream())
            .map(Container::getImage)
            .collect(Collectors.toSet());
    assertEquals(1, images.size(), "core and edge nodes must run one image, found " + images);
    parleyImage = images.iterator().next();
  }

  // ---- parsing

  @Test
  void manifestsParseStrictlyIntoKubernetesModelTypes() {
    Set<String> kinds =
        manifests.stream().map(m -> m.object().getKind()).collect(Collectors.toSet());
    assertEquals(
        KINDS.keySet(), kinds, "k8s/ should define one object of every kind Parley deploys");
    for (Manifest m : manifests) {
      assertNoAdditionalProperties(m.object(), m.where());
    }
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

  @Test
  void strictYamlReadsTheSubsetK8sUsesAsYamlDoes() {
    String yaml =
        """
        a: "x # not a comment"  # a comment
        b: 'it''s # still b'
        c: [java, "-cp", 'classes:lib/*']
        d:
        - size: 1
          ratio: 1.5
        -   plain text
        e: {}
        f:
        """;
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("a", "x # not a comment");
    expected.put("b", "it's # still b");
    expected.put("c", List.of("java", "-cp", "classes:lib/*"));
    expected.put("d", List.of(Map.of("size", 1, "ratio", 1.5), "plain text"));
    expected.put("e", Map.of());
    expected.put("f", null);
    assertEquals(List.of(expected), StrictYaml.documents(yaml, "snippet"));
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
        List.of(NAMESPACE),
        all(Namespace.class).stream().map(KubernetesManifestsTest::name).toList());
    for (Manifest m : manifests) {
      if (m.object() instanceof Namespace) continue;
      assertEquals(
          NAMESPACE, m.object().getMetadata().getNamespace(), m.where() + ": metadata.namespace");
    }
  }

  @Test
  void workloadSelectorsMatchTheirOwnPodTemplatesOnly() {
    for (Workload w : workloads) {
      if (w.selector() == null) continue;
      assertTrue(
          matches(w.selector(), w.podLabels()),
          w + ": selector " + w.selector() + " does not match its pod labels " + w.podLabels());
      for (Workload other : workloads) {
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
    for (Service s : all(Service.class)) {
      Map<String, String> selector = s.getSpec().getSelector();
      assertNotNull(selector, "Service " + name(s) + " has no selector");
      List<Workload> selected =
          workloads.stream()
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
    for (Workload w : workloads) {
      if (!w.kind().equals("StatefulSet")) continue;
      StatefulSet sts = one(StatefulSet.class, w.name());
      Service governing = one(Service.class, sts.getSpec().getServiceName());
      assertEquals(
          "None",
          governing.getSpec().getClusterIP(),
          w + ": its service " + name(governing) + " must be headless for stable pod names");
    }
  }

  @Test
  void edgeIsReachableThroughALoadBalancerAndManagementThroughAHeadlessService() {
    Service edge = one(Service.class, "parley-edge");
    assertEquals("LoadBalancer", edge.getSpec().getType(), "parley-edge Service type");
    Config edgeConf = nodeConfig(node("edge"));
    assertEquals(
        Set.of(edgeConf.getInt("parley.edge.http-port"), edgeConf.getInt("parley.edge.tcp-port")),
        edge.getSpec().getPorts().stream().map(ServicePort::getPort).collect(Collectors.toSet()),
        "parley-edge Service ports");
    Service management = one(Service.class, "parley-management");
    assertEquals("None", management.getSpec().getClusterIP(), "parley-management must be headless");
    assertEquals(
        List.of(edgeConf.getInt("parley.management.port")),
        management.getSpec().getPorts().stream().map(ServicePort::getPort).toList());
  }

  @Test
  void disruptionBudgetsEachCoverOneWorkloadAndStillAllowADrain() {
    for (PodDisruptionBudget pdb : all(PodDisruptionBudget.class)) {
      List<Workload> covered =
          workloads.stream()
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
    for (Workload node : nodes) {
      assertTrue(
          all(PodDisruptionBudget.class).stream()
              .anyMatch(p -> matches(p.getSpec().getSelector(), node.podLabels())),
          node + " has no PodDisruptionBudget");
    }
  }

  // ---- cluster formation

  @Test
  void clusterBootstrapDiscoversExactlyTheCoreAndEdgePods() {
    assertEquals(
        Set.of("core", "edge"),
        nodes.stream().map(w -> w.podLabels().get("component")).collect(Collectors.toSet()),
        "pods matching Cluster Bootstrap's selector "
            + bootstrapSelector().getMatchLabels()
            + " should be exactly the core and edge nodes (a Job or Cassandra pod there would be"
            + " taken for a cluster node)");
    for (Workload node : nodes) {
      Config conf = nodeConfig(node);
      assertTrue(
          conf.getBoolean("parley.cluster.bootstrap"),
          node + ": parley.cluster.bootstrap must be on (PARLEY_CLUSTER_BOOTSTRAP)");
      assertTrue(
          conf.getInt(
                  "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr")
              >= 2,
          node + ": required contact points");
      assertEquals(
          NAMESPACE,
          conf.getString("pekko.discovery.kubernetes-api.pod-namespace"),
          node + ": discovery namespace (PARLEY_NAMESPACE)");
    }
  }

  @Test
  void nodesServiceAccountMayListPods() {
    for (Workload node : nodes) {
      String account = node.template().getSpec().getServiceAccountName();
      assertNotNull(account, node + " needs a serviceAccountName allowed to list pods");
      assertNotNull(one(ServiceAccount.class, account), "ServiceAccount " + account);
      assertFalse(
          Boolean.FALSE.equals(node.template().getSpec().getAutomountServiceAccountToken()),
          node + ": discovery needs the service account token mounted");
      List<Role> roles =
          all(RoleBinding.class).stream()
              .filter(
                  b ->
                      b.getSubjects().stream()
                          .anyMatch(
                              s ->
                                  s.getKind().equals("ServiceAccount")
                                      && s.getName().equals(account)
                                      && NAMESPACE.equals(s.getNamespace())))
              .filter(
                  b ->
                      b.getRoleRef().getKind().equals("Role")
                          && b.getRoleRef().getApiGroup().equals("rbac.authorization.k8s.io"))
              .map(b -> one(Role.class, b.getRoleRef().getName()))
              .toList();
      assertTrue(
          roles.stream()
              .flatMap(r -> r.getRules().stream())
              .anyMatch(KubernetesManifestsTest::allowsReadingPods),
          "no Role bound to ServiceAccount " + account + " allows get, watch and list on pods");
    }
  }

  private static boolean allowsReadingPods(PolicyRule rule) {
    return rule.getApiGroups().contains("")
        && (rule.getResources().contains("pods") || rule.getResources().contains("*"))
        && (rule.getVerbs().contains("*")
            || rule.getVerbs().containsAll(List.of("get", "watch", "list")));
  }

  // ---- ports and probes

  @Test
  void containerPortsMatchThePortsTheNodeBinds() {
    for (Workload node : nodes) {
      Config conf = nodeConfig(node);
      Map<String, Integer> expected = new LinkedHashMap<>();
      if (roles(conf).contains("edge")) {
        expected.put("http", conf.getInt("parley.edge.http-port"));
        expected.put("tcp", conf.getInt("parley.edge.tcp-port"));
      }
      expected.put("remote", conf.getInt("pekko.remote.artery.canonical.port"));
      expected.put("management", conf.getInt("pekko.management.http.port"));
      Map<String, Integer> declared =
          container(node).getPorts().stream()
              .collect(
                  Collectors.toMap(
                      p -> String.valueOf(p.getName()), ContainerPort::getContainerPort));
      assertEquals(
          expected,
          declared,
          "%s: named container ports versus conf/application.conf (roles %s)"
              .formatted(node, roles(conf)));
    }
  }

  @Test
  void probesHitPekkoManagementsReadinessAndLivenessPaths() {
    String base = pekko.getString("pekko.management.http.base-path");
    String prefix = base.isEmpty() ? "/" : "/" + base + "/";
    String ready = prefix + pekko.getString("pekko.management.health-checks.readiness-path");
    String alive = prefix + pekko.getString("pekko.management.health-checks.liveness-path");
    assertEquals(
        List.of("/ready", "/alive"),
        List.of(ready, alive),
        "Pekko Management's health paths (documented in docs/operations.md)");
    for (Workload node : nodes) {
      int management = nodeConfig(node).getInt("parley.management.port");
      assertProbe(node, "readinessProbe", container(node).getReadinessProbe(), ready, management);
      assertProbe(node, "livenessProbe", container(node).getLivenessProbe(), alive, management);
      Map<String, String> annotations = node.template().getMetadata().getAnnotations();
      if (annotations != null && annotations.containsKey("prometheus.io/port")) {
        assertEquals(
            String.valueOf(management),
            annotations.get("prometheus.io/port"),
            node + ": /metrics is served on the management port");
      }
    }
  }

  private static void assertProbe(Workload node, String which, Probe probe, String path, int port) {
    assertNotNull(probe, node + " has no " + which);
    HTTPGetAction get = probe.getHttpGet();
    assertNotNull(get, node + ": " + which + " should be an httpGet on Pekko Management");
    assertEquals(path, get.getPath(), node + ": " + which + " path");
    ContainerPort target = containerPort(node, get.getPort());
    assertNotNull(
        target,
        node + ": " + which + " port " + describe(get.getPort()) + " is not a container port");
    assertEquals(
        port, target.getContainerPort(), node + ": " + which + " must hit parley.management.port");
    assertEquals("management", target.getName(), node + ": " + which + " port name");
  }

  // ---- environment

  @Test
  void podsSetOnlyEnvironmentVariablesTheConfigReads() throws IOException {
    Set<String> reads = new TreeSet<>();
    Matcher m =
        Pattern.compile("\\$\\{\\?\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}")
            .matcher(Files.readString(CONF));
    while (m.find()) reads.add(m.group(1));
    assertTrue(
        reads.contains("PARLEY_ROLES"),
        "expected to find ${?PARLEY_...} reads in " + CONF + ": " + reads);
    for (Workload w : parleyWorkloads()) {
      for (Container c : w.containers()) {
        if (!c.getImage().equals(parleyImage)) continue;
        for (String variable : environment(w, c).keySet()) {
          assertTrue(
              reads.contains(variable) || JVM_VARIABLES.contains(variable),
              "%s sets %s, which conf/application.conf never reads (${?%s}): a typo, or a setting"
                      .formatted(w, variable, variable)
                  + " that needs adding there");
        }
      }
    }
  }

  @Test
  void configMapAndSecretReferencesResolve() {
    for (Workload w : workloads) {
      for (Container c : w.containers()) {
        String where = w + " container " + c.getName();
        for (EnvFromSource from : list(c.getEnvFrom())) {
          if (from.getConfigMapRef() != null) {
            String map = from.getConfigMapRef().getName();
            assertNotNull(
                find(ConfigMap.class, map),
                "%s: envFrom ConfigMap %s, not in k8s/".formatted(where, map));
          }
          if (from.getSecretRef() != null) {
            String secret = from.getSecretRef().getName();
            assertNotNull(
                find(Secret.class, secret),
                "%s: envFrom Secret %s, not in k8s/".formatted(where, secret));
          }
        }
        for (EnvVar e : list(c.getEnv())) {
          if (e.getValueFrom() == null) continue;
          var cm = e.getValueFrom().getConfigMapKeyRef();
          if (cm != null) {
            ConfigMap map = find(ConfigMap.class, cm.getName());
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
            Secret secret = find(Secret.class, sk.getName());
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

  @Test
  void nodesStartWithTheirComponentsRoleAdvertisingThePodIp() {
    for (Workload node : nodes) {
      Config conf = nodeConfig(node);
      assertEquals(
          List.of(node.podLabels().get("component")),
          roles(conf),
          node + ": PARLEY_ROLES versus the component label");
      assertEquals(
          SOME_POD_IP,
          conf.getString("parley.node.host"),
          node + ": PARLEY_HOST must come from status.podIP");
      assertEquals("0.0.0.0", conf.getString("parley.node.bind-host"), node + ": PARLEY_BIND_HOST");
      assertFalse(
          conf.getBoolean("parley.cassandra.apply-schema"),
          node + ": nodes must not apply the schema (the Job does): PARLEY_APPLY_SCHEMA=off");
      EnvVar secret = env(container(node), "PARLEY_TOKEN_SECRET");
      assertTrue(
          secret != null
              && secret.getValueFrom() != null
              && secret.getValueFrom().getSecretKeyRef() != null,
          node + ": PARLEY_TOKEN_SECRET must come from a Secret");
    }
  }

  @Test
  void jvmHeapFollowsTheContainerMemoryLimit() {
    Pattern percentage = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)");
    for (Workload w : parleyWorkloads()) {
      Container c = container(w);
      EnvVar options = env(c, "JAVA_TOOL_OPTIONS");
      Matcher m = percentage.matcher(options == null ? "" : String.valueOf(options.getValue()));
      assertTrue(m.find(), w + ": JAVA_TOOL_OPTIONS should set -XX:MaxRAMPercentage");
      double share = Double.parseDouble(m.group(1));
      assertTrue(
          share >= 25 && share <= 80,
          w + ": MaxRAMPercentage " + share + " leaves too little or too much outside the heap");
      Map<String, Quantity> requests = c.getResources().getRequests();
      Map<String, Quantity> limits = c.getResources().getLimits();
      assertTrue(
          requests != null && requests.containsKey("cpu") && requests.containsKey("memory"),
          w + ": cpu and memory requests");
      assertTrue(
          limits != null && limits.containsKey("memory"),
          w + ": a memory limit, which the heap is a share of");
      assertEquals(
          0,
          Quantity.getAmountInBytes(requests.get("memory"))
              .compareTo(Quantity.getAmountInBytes(limits.get("memory"))),
          w + ": memory request should equal the limit (no overcommit of a JVM heap)");
    }
  }

  // ---- shutdown and split brain

  @Test
  void terminationGraceOutlastsSocketDrainAndClusterLeave() {
    Duration leave = Duration.ZERO;
    for (String phase :
        List.of(
            "cluster-sharding-shutdown-region",
            "cluster-leave",
            "cluster-exiting",
            "cluster-exiting-done")) {
      leave = leave.plus(phaseTimeout(phase));
    }
    for (Workload node : nodes) {
      Config conf = nodeConfig(node);
      Duration drain =
          roles(conf).contains("edge")
              ? conf.getDuration("parley.shutdown.drain-timeout")
              : Duration.ZERO;
      Long grace = node.template().getSpec().getTerminationGracePeriodSeconds();
      assertNotNull(
          grace,
          node
              + ": terminationGracePeriodSeconds (the default 30 s is shorter than the drain plus"
              + " the leave)");
      assertTrue(
          Duration.ofSeconds(grace).compareTo(drain.plus(leave)) > 0,
          ("%s: terminationGracePeriodSeconds %d s must exceed the socket drain (%d s) plus the"
                  + " cluster leave phases (%d s), or Kubernetes kills the node mid-hand-off")
              .formatted(node, grace, drain.toSeconds(), leave.toSeconds()));
    }
  }

  private static Duration phaseTimeout(String phase) {
    String path = "pekko.coordinated-shutdown.phases." + phase + ".timeout";
    return pekko.hasPath(path)
        ? pekko.getDuration(path)
        : pekko.getDuration("pekko.coordinated-shutdown.default-phase-timeout");
  }

  @Test
  void coreKeepsAMajorityForTheSplitBrainResolver() {
    assertEquals(
        "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
        pekko.getString("pekko.cluster.downing-provider-class"),
        "the downing provider must be the split-brain resolver");
    assertEquals(
        "keep-majority",
        pekko.getString("pekko.cluster.split-brain-resolver.active-strategy"),
        "split-brain strategy");
    Workload core = node("core");
    assertTrue(
        core.replicas() >= 3,
        "core needs at least 3 replicas, so that losing one leaves a majority; has "
            + core.replicas());
    Deployment deployment = one(Deployment.class, core.name());
    assertEquals(
        0,
        deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal(),
        "core rolling updates must add a node before removing one");
    PodDisruptionBudget pdb =
        all(PodDisruptionBudget.class).stream()
            .filter(p -> matches(p.getSpec().getSelector(), core.podLabels()))
            .findFirst()
            .orElseThrow();
    int kept = core.replicas() - allowedDisruptions(pdb, core.replicas());
    assertTrue(
        kept > core.replicas() / 2,
        "core's PodDisruptionBudget lets a drain leave %d of %d nodes: not a majority"
            .formatted(kept, core.replicas()));
  }

  // ---- schema job, image, Cassandra

  @Test
  void schemaJobRunsApplySchemaFromTheNodeImage() throws Exception {
    List<String> entrypoint = dockerEntrypoint();
    assertEquals(
        4,
        entrypoint.size(),
        "Dockerfile ENTRYPOINT: java -cp <classpath> <main class>, was " + entrypoint);
    assertMainClass(entrypoint.get(3));
    assertEquals(Main.class.getName(), entrypoint.get(3), "the image's main class");
    Job job = all(Job.class).stream().findFirst().orElseThrow();
    Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(parleyImage, c.getImage(), "the schema Job must run the nodes' image");
    List<String> command = new ArrayList<>(list(c.getCommand()));
    command.addAll(list(c.getArgs()));
    assertEquals(
        List.of(
            entrypoint.get(0),
            entrypoint.get(1),
            entrypoint.get(2),
            "io.parley.storage.ApplySchema"),
        command,
        "the Job's command: the image's java and classpath, ApplySchema as main");
    assertMainClass(command.get(3));
    assertNotNull(
        job.getSpec().getBackoffLimit(),
        "the Job needs a backoffLimit (it retries while Cassandra comes up)");
    assertEquals(
        "Never", job.getSpec().getTemplate().getSpec().getRestartPolicy(), "Job restartPolicy");
    Config jobConf = resolve(environment(workload("Job", name(job)), c));
    Config nodeConf = nodeConfig(node("core"));
    for (String setting :
        List.of(
            "parley.cassandra.contact-points",
            "parley.cassandra.local-datacenter",
            "parley.cassandra.replication")) {
      assertEquals(
          nodeConf.getString(setting),
          jobConf.getString(setting),
          "the Job and the nodes must agree on " + setting);
    }
  }

  private static void assertMainClass(String className) throws Exception {
    Class.forName(className).getMethod("main", String[].class);
  }

  @Test
  void cassandraRingServesTheDatacenterAndReplicationParleyUses() {
    Workload ring =
        workloads.stream()
            .filter(w -> container(w).getImage().startsWith("cassandra:"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Cassandra StatefulSet in k8s/"));
    StatefulSet sts = one(StatefulSet.class, ring.name());
    Container cassandra = container(ring);
    EnvVar snitch = env(cassandra, "CASSANDRA_ENDPOINT_SNITCH");
    EnvVar dc = env(cassandra, "CASSANDRA_DC");
    // The image's default snitch (SimpleSnitch) calls its datacenter "datacenter1"; the
    // property-file snitch uses CASSANDRA_DC (the image's own default: dc1).
    String datacenter =
        snitch != null && snitch.getValue().equals("GossipingPropertyFileSnitch")
            ? (dc == null ? "dc1" : dc.getValue())
            : "datacenter1";
    Config conf = nodeConfig(node("core"));
    assertEquals(
        datacenter,
        conf.getString("parley.cassandra.local-datacenter"),
        "Parley's local datacenter versus the ring's");
    Matcher factor =
        Pattern.compile("'([^']+)'\\s*:\\s*'?(\\d+)'?")
            .matcher(conf.getString("parley.cassandra.replication"));
    boolean any = false;
    while (factor.find()) {
      any = true;
      assertEquals(
          datacenter, factor.group(1), "replication names a datacenter the ring does not have");
      assertTrue(
          Integer.parseInt(factor.group(2)) <= ring.replicas(),
          "replication factor %s exceeds the %d Cassandra nodes"
              .formatted(factor.group(2), ring.replicas()));
    }
    assertTrue(any, "no replication factor in " + conf.getString("parley.cassandra.replication"));
    int cql =
        cassandra.getPorts().stream()
            .filter(p -> "cql".equals(p.getName()))
            .findFirst()
            .orElseThrow()
            .getContainerPort();
    Pattern podName =
        Pattern.compile(
            Pattern.quote(sts.getMetadata().getName())
                + "-(\\d+)\\."
                + Pattern.quote(sts.getSpec().getServiceName())
                + "(\\."
                + NAMESPACE
                + "(\\.svc(\\.cluster\\.local)?)?)?");
    for (String point : conf.getString("parley.cassandra.contact-points").split(",")) {
      String[] hostPort = point.strip().split(":");
      Matcher pod = podName.matcher(hostPort[0]);
      assertTrue(
          pod.matches() && Integer.parseInt(pod.group(1)) < ring.replicas(),
          "contact point " + point + " is not a pod of " + ring);
      assertEquals(cql, Integer.parseInt(hostPort[1]), "contact point " + point + " port");
    }
  }

  @Test
  void kustomizationAppliesEveryManifestButTheSecretTemplate() throws IOException {
    Object parsed =
        StrictYaml.documents(Files.readString(K8S.resolve(KUSTOMIZATION)), KUSTOMIZATION).get(0);
    assertTrue(parsed instanceof Map<?, ?>, KUSTOMIZATION + " should be a mapping");
    Object resources = ((Map<?, ?>) parsed).get("resources");
    assertTrue(resources instanceof List<?>, KUSTOMIZATION + " should list resources");
    Set<String> listed = new LinkedHashSet<>();
    for (Object r : (List<?>) resources) {
      assertTrue(
          Files.isRegularFile(K8S.resolve(String.valueOf(r))),
          KUSTOMIZATION + " lists " + r + ", which is not a file in k8s/");
      assertTrue(listed.add(String.valueOf(r)), KUSTOMIZATION + " lists " + r + " twice");
    }
    assertFalse(
        listed.contains(SECRET_TEMPLATE),
        "%s must not apply %s: it would overwrite the real token secret with the placeholder"
            .formatted(KUSTOMIZATION, SECRET_TEMPLATE));
    Set<String> manifestsFiles = new TreeSet<>();
    for (Path file : yamlFiles()) manifestsFiles.add(file.getFileName().toString());
    manifestsFiles.removeAll(Set.of(KUSTOMIZATION, SECRET_TEMPLATE));
    assertEquals(
        manifestsFiles,
        new TreeSet<>(listed),
        KUSTOMIZATION + " should list every manifest in k8s/ except " + SECRET_TEMPLATE);
  }

  @Test
  void secretTemplateIsAPlaceholderTheNodeRefuses() {
    Workload edge = node("edge");
    Config conf = nodeConfig(edge);
    assertThrows(
        IllegalArgumentException.class,
        () -> Tokens.from(conf),
        "a node started with the Secret template's placeholder must refuse to start, not sign"
            + " tokens with a public secret");
  }

  // ---- parsing helpers

  /** Parses every YAML document of one file into the fabric8 type its kind names, strictly. */
  static List<Manifest> parse(String file, String yaml) {
    List<Manifest> parsed = new ArrayList<>();
    List<Object> documents = StrictYaml.documents(yaml, file);
    for (int i = 0; i < documents.size(); i++) {
      Object doc = documents.get(i);
      if (doc == null) continue;
      String where = file + " document " + (i + 1);
      if (!(doc instanceof Map<?, ?> map)) throw new AssertionError(where + ": not a mapping");
      String kind = String.valueOf(map.get("kind"));
      Class<? extends HasMetadata> type = KINDS.get(kind);
      if (type == null) {
        throw new AssertionError(
            "%s: kind %s is not one of %s (extend KINDS when k8s/ needs it)"
                .formatted(where, kind, new TreeSet<>(KINDS.keySet())));
      }
      if (!HasMetadata.getApiVersion(type).equals(map.get("apiVersion"))) {
        throw new AssertionError(
            "%s: apiVersion %s for %s, expected %s"
                .formatted(where, map.get("apiVersion"), kind, HasMetadata.getApiVersion(type)));
      }
      HasMetadata object;
      try {
        JsonNode tree = STRICT.valueToTree(doc);
        object = STRICT.treeToValue(tree, type);
      } catch (IOException | IllegalArgumentException e) {
        String detail =
            e instanceof JsonMappingException m
                ? m.getOriginalMessage() + " at " + m.getPathReference()
                : e.getMessage();
        throw new AssertionError(where + " (" + kind + "): " + detail, e);
      }
      if (object.getMetadata() == null || object.getMetadata().getName() == null) {
        throw new AssertionError(where + ": metadata.name missing");
      }
      parsed.add(
          new Manifest(where + " (" + kind + " " + object.getMetadata().getName() + ")", object));
    }
    return parsed;
  }

  /** Fails if fabric8 parked an unknown field anywhere in the object (belt and braces). */
  private static void assertNoAdditionalProperties(Object value, String path) {
    if (value == null
        || value instanceof String
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof Enum<?>
        || value instanceof AnyType) return;
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) assertNoAdditionalProperties(item, path + "[" + i++ + "]");
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> assertNoAdditionalProperties(v, path + "." + k));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) return;
    for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) continue;
        field.setAccessible(true);
        Object fieldValue;
        try {
          fieldValue = field.get(value);
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
        if (field.getName().equals("additionalProperties")) {
          assertTrue(
              fieldValue == null || ((Map<?, ?>) fieldValue).isEmpty(),
              path + ": unknown fields " + fieldValue);
        } else {
          assertNoAdditionalProperties(fieldValue, path + "." + field.getName());
        }
      }
    }
  }

  private static List<Path> yamlFiles() throws IOException {
    assertTrue(Files.isDirectory(K8S), "run from the repository root: no " + K8S.toAbsolutePath());
    try (Stream<Path> files = Files.list(K8S)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
  }

  private static List<String> dockerEntrypoint() throws IOException {
    String line =
        Files.readAllLines(DOCKERFILE).stream()
            .filter(l -> l.startsWith("ENTRYPOINT "))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("Dockerfile has no ENTRYPOINT"));
    return List.of(STRICT.readValue(line.substring("ENTRYPOINT ".length()), String[].class));
  }

  // ---- model helpers

  private static <T extends HasMetadata> List<T> all(Class<T> type) {
    return manifests.stream()
        .map(Manifest::object)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }

  private static <T extends HasMetadata> T find(Class<T> type, String name) {
    return all(type).stream().filter(o -> name(o).equals(name)).findFirst().orElse(null);
  }

  private static <T extends HasMetadata> T one(Class<T> type, String name) {
    T found = find(type, name);
    if (found == null) {
      throw new AssertionError("no " + HasMetadata.getKind(type) + " named " + name + " in k8s/");
    }
    return found;
  }

  private static String name(HasMetadata object) {
    return object.getMetadata().getName();
  }

  private static Workload workload(String kind, String name) {
    return workloads.stream()
        .filter(w -> w.kind().equals(kind) && w.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static Workload node(String component) {
    return nodes.stream()
        .filter(w -> component.equals(w.podLabels().get("component")))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no Parley node workload labelled component=" + component));
  }

  /** Workloads running the Parley image: the nodes and the schema Job. */
  private static List<Workload> parleyWorkloads() {
    return workloads.stream()
        .filter(w -> w.containers().stream().anyMatch(c -> c.getImage().equals(parleyImage)))
        .toList();
  }

  private static Container container(Workload w) {
    assertEquals(1, w.containers().size(), w + " should run one container");
    return w.containers().get(0);
  }

  private static EnvVar env(Container c, String name) {
    return list(c.getEnv()).stream().filter(e -> e.getName().equals(name)).findFirst().orElse(null);
  }

  private static <T> List<T> list(List<T> maybe) {
    return maybe == null ? List.of() : maybe;
  }

  private static ContainerPort containerPort(Workload w, IntOrString port) {
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

  private static String describe(IntOrString port) {
    return port.getStrVal() != null ? port.getStrVal() : String.valueOf(port.getIntVal());
  }

  private static int allowedDisruptions(PodDisruptionBudget pdb, int replicas) {
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
  private static LabelSelector bootstrapSelector() {
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

  private static boolean matches(LabelSelector selector, Map<String, String> labels) {
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
  private static Map<String, String> environment(Workload w, Container c) {
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

  private static String valueOf(EnvVar e) {
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

  private static Map<String, String> secretData(Secret secret) {
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
  private static Config nodeConfig(Workload node) {
    return resolve(environment(node, container(node)));
  }

  private static Config resolve(Map<String, String> environment) {
    // Environment variables sit at the root, which is where ${?NAME} looks before the real
    // environment; the real one is switched off so the machine running the test cannot leak in.
    return ConfigFactory.parseFile(CONF.toFile())
        .withFallback(ConfigValueFactory.fromMap(environment).toConfig())
        .resolve(ConfigResolveOptions.noSystem());
  }

  private static List<String> roles(Config conf) {
    return Stream.of(conf.getString("parley.node.roles").split(","))
        .map(String::strip)
        .filter(r -> !r.isEmpty())
        .toList();
  }

  // ---- YAML

  /**
   * The YAML that k8s/ uses, and nothing more: block mappings and sequences, plain and quoted
   * scalars, one-line flow sequences, comments and "---". There is no YAML parser on the test
   * classpath (fabric8's model brings only Jackson's JSON). Anything outside this subset (anchors,
   * tags, block or multi-line scalars, flow mappings) fails with its line, so nothing is misread.
   * Plain scalars resolve as kubectl's YAML reader does; those YAML 1.1 reads as booleans or octals
   * (on, yes, 0644) must be quoted.
   */
  static final class StrictYaml {
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
}
