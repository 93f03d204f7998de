package io.parley.node;

import static io.parley.node.Manifests.CONF;
import static io.parley.node.Manifests.NAMESPACE;
import static io.parley.node.Manifests.SOME_POD_IP;
import static io.parley.node.Manifests.allowedDisruptions;
import static io.parley.node.Manifests.container;
import static io.parley.node.Manifests.containerPort;
import static io.parley.node.Manifests.describe;
import static io.parley.node.Manifests.dockerEntrypoint;
import static io.parley.node.Manifests.env;
import static io.parley.node.Manifests.list;
import static io.parley.node.Manifests.matches;
import static io.parley.node.Manifests.name;
import static io.parley.node.Manifests.resolve;
import static io.parley.node.Manifests.roles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Parley node pods in k8s/ (and the schema Job that runs their image), checked against
 * conf/application.conf as each pod's environment resolves it and against Pekko's own configuration
 * (health-check paths, Cluster Bootstrap's pod selector, shutdown phases, the split-brain
 * resolver); and the Cassandra ring against the datacenter and replication they use.
 */
class KubernetesNodePodsTest {
  private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  private static Manifests k8s;

  @BeforeAll
  static void loadManifests() throws IOException {
    k8s = Manifests.load();
  }

  // ---- cluster formation

  @Test
  void clusterBootstrapDiscoversExactlyTheCoreAndEdgePods() {
    assertEquals(
        Set.of("core", "edge"),
        k8s.nodes.stream().map(w -> w.podLabels().get("component")).collect(Collectors.toSet()),
        "pods matching Cluster Bootstrap's selector "
            + k8s.bootstrapSelector().getMatchLabels()
            + " should be exactly the core and edge nodes (a Job or Cassandra pod there would be"
            + " taken for a cluster node)");
    for (Workload node : k8s.nodes) {
      Config conf = k8s.nodeConfig(node);
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
    for (Workload node : k8s.nodes) {
      String account = node.template().getSpec().getServiceAccountName();
      assertNotNull(account, node + " needs a serviceAccountName allowed to list pods");
      assertNotNull(k8s.one(ServiceAccount.class, account), "ServiceAccount " + account);
      assertFalse(
          Boolean.FALSE.equals(node.template().getSpec().getAutomountServiceAccountToken()),
          node + ": discovery needs the service account token mounted");
      List<Role> roles =
          k8s.all(RoleBinding.class).stream()
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
              .map(b -> k8s.one(Role.class, b.getRoleRef().getName()))
              .toList();
      assertTrue(
          roles.stream()
              .flatMap(r -> r.getRules().stream())
              .anyMatch(KubernetesNodePodsTest::allowsReadingPods),
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
    for (Workload node : k8s.nodes) {
      Config conf = k8s.nodeConfig(node);
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
    String base = k8s.pekko.getString("pekko.management.http.base-path");
    String prefix = base.isEmpty() ? "/" : "/" + base + "/";
    String ready = prefix + k8s.pekko.getString("pekko.management.health-checks.readiness-path");
    String alive = prefix + k8s.pekko.getString("pekko.management.health-checks.liveness-path");
    assertEquals(
        List.of("/ready", "/alive"),
        List.of(ready, alive),
        "Pekko Management's health paths (documented in docs/operations.md)");
    for (Workload node : k8s.nodes) {
      int management = k8s.nodeConfig(node).getInt("parley.management.port");
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
    Duration checks = k8s.pekko.getDuration("pekko.management.health-checks.check-timeout");
    Integer timeout = probe.getTimeoutSeconds();
    assertTrue(
        Duration.ofSeconds(timeout == null ? 1 : timeout).compareTo(checks) > 0,
        node
            + ": "
            + which
            + " timeoutSeconds must outlast Pekko's health-check timeout "
            + checks
            + " (Kubernetes' default is 1 s), or a slow QUORUM read reads as a failure");
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

  private static Set<String> variablesTheConfigReads() throws IOException {
    Set<String> reads = new TreeSet<>();
    Matcher m =
        Pattern.compile("\\$\\{\\?\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}")
            .matcher(Files.readString(CONF));
    while (m.find()) reads.add(m.group(1));
    return reads;
  }

  @Test
  void podsSetOnlyEnvironmentVariablesTheConfigReads() throws IOException {
    Set<String> reads = variablesTheConfigReads();
    assertTrue(
        reads.contains("PARLEY_ROLES"),
        "expected to find ${?PARLEY_...} reads in " + CONF + ": " + reads);
    for (Workload w : k8s.parleyWorkloads()) {
      for (Container c : w.containers()) {
        if (!c.getImage().equals(k8s.parleyImage)) continue;
        for (String variable : k8s.environment(w, c).keySet()) {
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
  void nodesStartWithTheirComponentsRoleAdvertisingThePodIp() {
    for (Workload node : k8s.nodes) {
      Config conf = k8s.nodeConfig(node);
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
    for (Workload w : k8s.parleyWorkloads()) {
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

  @Test
  void collectorIsChosenNotLeftToTheJvm() {
    // Under 2 CPUs or 1792 MB the JVM picks SerialGC by itself: one thread for every pause.
    // (The schema job runs for seconds and collects nothing that matters.)
    for (Workload w : k8s.parleyWorkloads()) {
      if (w.kind().equals("Job")) continue;
      EnvVar options = env(container(w), "JAVA_TOOL_OPTIONS");
      String value = options == null ? "" : String.valueOf(options.getValue());
      assertTrue(
          Pattern.compile("-XX:\\+Use(Parallel|G1)GC").matcher(value).find(),
          w + ": JAVA_TOOL_OPTIONS should choose ParallelGC (or G1 for big heaps): " + value);
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
    for (Workload node : k8s.nodes) {
      Config conf = k8s.nodeConfig(node);
      boolean edge = roles(conf).contains("edge");
      // The drain runs in service-requests-done: at most that phase's timeout, whatever the
      // drain's own settings say.
      Duration drain = edge ? phaseTimeout("service-requests-done") : Duration.ZERO;
      assertTrue(
          !edge || drain.compareTo(conf.getDuration("parley.shutdown.drain-timeout")) >= 0,
          "the service-requests-done phase must outlast parley.shutdown.drain-timeout");
      // The edge waits for the load balancer before the node hears of SIGTERM; Kubernetes
      // counts the grace period from the start of that wait.
      Duration preStop = preStopSleep(node);
      if (edge) {
        assertTrue(
            preStop.compareTo(Duration.ofSeconds(10)) >= 0,
            node
                + ": a preStop sleep of 10 s or more, so the load balancer stops routing new"
                + " connections before the node unbinds");
      }
      drain = drain.plus(preStop);
      Long grace = node.template().getSpec().getTerminationGracePeriodSeconds();
      assertNotNull(
          grace,
          node
              + ": terminationGracePeriodSeconds (the default 30 s is shorter than the drain plus"
              + " the leave)");
      assertTrue(
          Duration.ofSeconds(grace).compareTo(drain.plus(leave)) > 0,
          ("%s: terminationGracePeriodSeconds %d s must exceed the preStop sleep and the socket"
                  + " drain (%d s) plus the cluster leave phases (%d s), or Kubernetes kills the"
                  + " node mid-hand-off")
              .formatted(node, grace, drain.toSeconds(), leave.toSeconds()));
    }
  }

  private static Duration preStopSleep(Workload node) {
    var lifecycle = container(node).getLifecycle();
    if (lifecycle == null || lifecycle.getPreStop() == null) return Duration.ZERO;
    assertNotNull(
        lifecycle.getPreStop().getSleep(),
        node + ": preStop should be Kubernetes' sleep action (the image needs no sleep binary)");
    return Duration.ofSeconds(lifecycle.getPreStop().getSleep().getSeconds());
  }

  private static Duration phaseTimeout(String phase) {
    String path = "pekko.coordinated-shutdown.phases." + phase + ".timeout";
    return k8s.pekko.hasPath(path)
        ? k8s.pekko.getDuration(path)
        : k8s.pekko.getDuration("pekko.coordinated-shutdown.default-phase-timeout");
  }

  @Test
  void coreKeepsAMajorityForTheSplitBrainResolver() {
    assertEquals(
        "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
        k8s.pekko.getString("pekko.cluster.downing-provider-class"),
        "the downing provider must be the split-brain resolver");
    assertEquals(
        "keep-majority",
        k8s.pekko.getString("pekko.cluster.split-brain-resolver.active-strategy"),
        "split-brain strategy");
    // The majority is counted among the nodes that hold the shards: core. Counted among all
    // members, {2 core} against {1 core + 2 edge} would keep the side with one core node.
    String role = k8s.pekko.getString("pekko.cluster.split-brain-resolver.keep-majority.role");
    assertEquals("core", role, "keep-majority must count core nodes only");
    for (Workload node : k8s.nodes) {
      assertEquals(
          node.podLabels().get("component").equals("core"),
          roles(k8s.nodeConfig(node)).contains(role),
          node + ": only the core Deployment's nodes have the split-brain resolver's role");
    }
    Workload core = k8s.node("core");
    assertTrue(
        core.replicas() >= 3,
        "core needs at least 3 replicas, so that losing one leaves a majority; has "
            + core.replicas());
    Deployment deployment = k8s.one(Deployment.class, core.name());
    assertEquals(
        0,
        deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal(),
        "core rolling updates must add a node before removing one");
    PodDisruptionBudget pdb =
        k8s.all(PodDisruptionBudget.class).stream()
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
    Job job = k8s.all(Job.class).stream().findFirst().orElseThrow();
    Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(k8s.parleyImage, c.getImage(), "the schema Job must run the nodes' image");
    List<String> command = new ArrayList<>(list(c.getCommand()));
    command.addAll(list(c.getArgs()));
    assertEquals(
        List.of(
            entrypoint.get(0), entrypoint.get(1), entrypoint.get(2), "io.parley.node.ApplySchema"),
        command,
        "the Job's command: the image's java and classpath, ApplySchema as main");
    assertMainClass(command.get(3));
    assertNotNull(
        job.getSpec().getBackoffLimit(),
        "the Job needs a backoffLimit (it retries while Cassandra comes up)");
    assertEquals(
        "Never", job.getSpec().getTemplate().getSpec().getRestartPolicy(), "Job restartPolicy");
    Config jobConf = resolve(k8s.environment(k8s.workload("Job", name(job)), c));
    Config nodeConf = k8s.nodeConfig(k8s.node("core"));
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
        k8s.workloads.stream()
            .filter(w -> container(w).getImage().startsWith("cassandra:"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Cassandra StatefulSet in k8s/"));
    StatefulSet sts = k8s.one(StatefulSet.class, ring.name());
    Container cassandra = container(ring);
    EnvVar snitch = env(cassandra, "CASSANDRA_ENDPOINT_SNITCH");
    EnvVar dc = env(cassandra, "CASSANDRA_DC");
    // The image's default snitch (SimpleSnitch) calls its datacenter "datacenter1"; the
    // property-file snitch uses CASSANDRA_DC (the image's own default: dc1).
    String datacenter =
        snitch != null && snitch.getValue().equals("GossipingPropertyFileSnitch")
            ? (dc == null ? "dc1" : dc.getValue())
            : "datacenter1";
    Config conf = k8s.nodeConfig(k8s.node("core"));
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
}
