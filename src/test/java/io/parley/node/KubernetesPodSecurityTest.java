package io.parley.node;

import static io.parley.node.Manifests.NAMESPACE;
import static io.parley.node.Manifests.env;
import static io.parley.node.Manifests.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every pod in k8s/ against Pod Security "restricted" (which the namespace enforces) and more: a
 * read-only root file system with emptyDirs where a process writes; no CPU limits, and each JVM
 * told the CPUs it requested.
 */
class KubernetesPodSecurityTest {
  /** The volume types "restricted" allows. */
  private static final List<String> ALLOWED_VOLUMES =
      List.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");

  private static final Pattern PROCESSORS = Pattern.compile("-XX:ActiveProcessorCount=(\\d+)");

  private static Manifests k8s;

  @BeforeAll
  static void loadManifests() throws IOException {
    k8s = Manifests.load();
  }

  @Test
  void namespaceEnforcesRestricted() {
    Namespace ns = k8s.one(Namespace.class, NAMESPACE);
    Map<String, String> labels = ns.getMetadata().getLabels();
    for (String mode : List.of("enforce", "warn", "audit")) {
      assertEquals(
          "restricted",
          labels.get("pod-security.kubernetes.io/" + mode),
          "namespace label pod-security.kubernetes.io/" + mode);
    }
  }

  @Test
  void everyPodPassesRestricted() {
    for (Workload w : k8s.workloads) {
      PodSpec pod = w.template().getSpec();
      PodSecurityContext podContext = pod.getSecurityContext();
      assertNotNull(podContext, w + ": pod securityContext");
      assertEquals(Boolean.TRUE, podContext.getRunAsNonRoot(), w + ": runAsNonRoot");
      assertTrue(
          podContext.getRunAsUser() != null && podContext.getRunAsUser() > 0,
          w + ": a numeric non-root runAsUser, which Kubernetes can check before the start");
      SeccompProfile seccomp = podContext.getSeccompProfile();
      assertTrue(
          seccomp != null && seccomp.getType().equals("RuntimeDefault"),
          w + ": seccompProfile RuntimeDefault");
      assertFalse(Boolean.TRUE.equals(pod.getHostNetwork()), w + ": hostNetwork");
      assertFalse(Boolean.TRUE.equals(pod.getHostPID()), w + ": hostPID");
      assertFalse(Boolean.TRUE.equals(pod.getHostIPC()), w + ": hostIPC");
      for (Volume v : list(pod.getVolumes())) {
        assertTrue(
            ALLOWED_VOLUMES.stream().anyMatch(type -> volumeHas(v, type)),
            w + ": volume " + v.getName() + " is of a type \"restricted\" refuses");
      }
      for (Container c : w.allContainers()) {
        String where = w + " container " + c.getName();
        SecurityContext sc = c.getSecurityContext();
        assertNotNull(sc, where + ": securityContext");
        assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), where + ": no escalation");
        assertFalse(Boolean.TRUE.equals(sc.getPrivileged()), where + ": privileged");
        assertEquals(Boolean.TRUE, sc.getRunAsNonRoot(), where + ": runAsNonRoot");
        Capabilities caps = sc.getCapabilities();
        assertTrue(caps != null && list(caps.getDrop()).contains("ALL"), where + ": drop ALL");
        assertTrue(list(caps.getAdd()).isEmpty(), where + ": adds capabilities");
        assertEquals(
            Boolean.TRUE, sc.getReadOnlyRootFilesystem(), where + ": readOnlyRootFilesystem");
        for (ContainerPort p : list(c.getPorts())) {
          assertEquals(null, p.getHostPort(), where + ": hostPort " + p.getHostPort());
        }
      }
    }
  }

  private static boolean volumeHas(Volume v, String type) {
    return switch (type) {
      case "configMap" -> v.getConfigMap() != null;
      case "csi" -> v.getCsi() != null;
      case "downwardAPI" -> v.getDownwardAPI() != null;
      case "emptyDir" -> v.getEmptyDir() != null;
      case "ephemeral" -> v.getEphemeral() != null;
      case "persistentVolumeClaim" -> v.getPersistentVolumeClaim() != null;
      case "projected" -> v.getProjected() != null;
      case "secret" -> v.getSecret() != null;
      default -> false;
    };
  }

  @Test
  void parleyPodsRunAsTheImagesUserWithAWritableTmp() throws IOException {
    Matcher user =
        Pattern.compile("(?m)^USER (\\d+):(\\d+)$")
            .matcher(Files.readString(Path.of("Dockerfile")));
    assertTrue(user.find(), "the Dockerfile's USER, numeric");
    for (Workload w : k8s.parleyWorkloads()) {
      PodSecurityContext ctx = w.template().getSpec().getSecurityContext();
      assertEquals(Long.parseLong(user.group(1)), ctx.getRunAsUser(), w + ": the image's uid");
      assertEquals(Long.parseLong(user.group(2)), ctx.getRunAsGroup(), w + ": the image's gid");
      // The JVM's hsperfdata and Netty's native epoll library go to java.io.tmpdir.
      assertTrue(writableAt(w, Manifests.container(w), "/tmp"), w + ": an emptyDir at /tmp");
    }
  }

  @Test
  void cassandraWritesOnlyToItsVolumes() {
    Workload ring = k8s.workload("StatefulSet", "cassandra");
    Container cassandra = Manifests.container(ring);
    for (String path : List.of("/tmp", "/etc/cassandra", "/var/log/cassandra")) {
      assertTrue(writableAt(ring, cassandra, path), ring + ": an emptyDir at " + path);
    }
    assertTrue(
        list(cassandra.getVolumeMounts()).stream()
            .anyMatch(m -> m.getMountPath().equals("/var/lib/cassandra")),
        ring + ": its data on the volume claim");
    // The entrypoint edits cassandra.yaml in place: the emptyDir must start as the image's.
    Container copy = ring.template().getSpec().getInitContainers().get(0);
    assertEquals(
        cassandra.getImage(), copy.getImage(), "the config copy comes from the same image");
    assertEquals(List.of("cp", "-R", "/etc/cassandra/.", "/config/"), copy.getCommand());
  }

  private static boolean writableAt(Workload w, Container c, String path) {
    for (VolumeMount m : list(c.getVolumeMounts())) {
      if (!m.getMountPath().equals(path) || Boolean.TRUE.equals(m.getReadOnly())) continue;
      return list(w.template().getSpec().getVolumes()).stream()
          .anyMatch(v -> v.getName().equals(m.getName()) && v.getEmptyDir() != null);
    }
    return false;
  }

  @Test
  void noCpuLimitsAndEveryJvmSizedToItsCpuRequest() {
    for (Workload w : k8s.workloads) {
      for (Container c : w.allContainers()) {
        String where = w + " container " + c.getName();
        Map<String, Quantity> limits = c.getResources().getLimits();
        assertFalse(
            limits != null && limits.containsKey("cpu"),
            where + ": a CPU limit (Pekko's advice: none; the throttled JVM misses heartbeats)");
        Quantity cpu = c.getResources().getRequests().get("cpu");
        assertNotNull(cpu, where + ": a CPU request");
        EnvVar options =
            env(c, c.getImage().startsWith("cassandra") ? "JVM_EXTRA_OPTS" : "JAVA_TOOL_OPTIONS");
        if (options == null) continue; // not a JVM: the init container's cp
        Matcher m = PROCESSORS.matcher(options.getValue());
        assertTrue(m.find(), where + ": -XX:ActiveProcessorCount (else it sees every core)");
        int request =
            Quantity.getAmountInBytes(cpu).setScale(0, RoundingMode.CEILING).intValueExact();
        assertEquals(
            Math.max(1, request),
            Integer.parseInt(m.group(1)),
            where + ": ActiveProcessorCount is the CPU request, rounded up");
        assertTrue(
            Quantity.getAmountInBytes(cpu).compareTo(BigDecimal.ZERO) > 0, where + ": cpu > 0");
      }
    }
  }
}
