package io.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.parley.metrics.Metrics;
import io.parley.node.StrictManifests.Manifest;
import io.parley.notifications.PushQueue;
import io.parley.notifications.PushQueueSettings;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * k8s/monitoring/: the PodMonitor scrapes every Parley node where /metrics is (the management
 * port), and the PrometheusRule alerts on refused sends, readiness, split-brain downing and pushes
 * dropped or refused, each on a series that exists.
 */
class KubernetesMonitoringTest {
  private static Manifests k8s;
  private static List<Manifest> monitoring;

  @BeforeAll
  static void load() throws IOException {
    k8s = Manifests.load();
    monitoring = Manifests.parseAll(KubernetesManifestsTest.MONITORING);
  }

  private static <T> T one(Class<T> type) {
    return monitoring.stream()
        .map(Manifest::object)
        .filter(type::isInstance)
        .map(type::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in monitoring/"));
  }

  @Test
  void podMonitorScrapesEveryNodeOnItsManagementPort() {
    PodMonitor monitor = one(PodMonitor.class);
    assertEquals(Manifests.NAMESPACE, monitor.getMetadata().getNamespace());
    var selector = new io.fabric8.kubernetes.api.model.LabelSelector();
    selector.setMatchLabels(monitor.getSpec().getSelector().getMatchLabels());
    for (Workload w : k8s.workloads) {
      assertEquals(
          k8s.nodes.contains(w),
          Manifests.matches(selector, w.podLabels()),
          w + ": the PodMonitor should select exactly the Parley nodes");
    }
    List<PodMetricsEndpoint> endpoints = monitor.getSpec().getPodMetricsEndpoints();
    assertEquals(1, endpoints.size());
    assertEquals("/metrics", endpoints.get(0).getPath());
    for (Workload node : k8s.nodes) {
      var port =
          Manifests.containerPort(
              node, new io.fabric8.kubernetes.api.model.IntOrString(endpoints.get(0).getPort()));
      assertNotNull(port, node + " has no port " + endpoints.get(0).getPort());
      assertEquals(
          k8s.nodeConfig(node).getInt("parley.management.port"),
          port.getContainerPort(),
          node + ": /metrics is on the management port only");
    }
  }

  @Test
  void rulesAlertOnRefusedSendsReadinessDowningAndPushesWithSeriesThatExist() throws Exception {
    Map<String, String> alerts = new LinkedHashMap<>();
    for (var group : one(PrometheusRule.class).getSpec().getGroups()) {
      for (Rule rule : group.getRules()) {
        assertNotNull(rule.getAlert(), "only alerting rules here");
        alerts.put(rule.getAlert(), rule.getExpr().getStrVal());
        assertNotNull(rule.getLabels().get("severity"), rule.getAlert() + ": a severity");
        assertNotNull(rule.getAnnotations().get("summary"), rule.getAlert() + ": a summary");
      }
    }
    assertTrue(
        alerts.get("ParleySendsRefused").contains("parley_sends_refused_total"), alerts.toString());
    assertTrue(
        alerts.get("ParleyNodeNotReady").contains("kube_pod_status_ready"), alerts.toString());
    assertTrue(
        alerts.get("ParleyMembersDowned").contains("parley_cluster_members_downed_total"),
        alerts.toString());
    assertTrue(
        alerts.get("ParleyPushesDropped").contains("parley_push_dropped_total"), alerts.toString());
    assertTrue(
        alerts.get("ParleyPushesFailing").contains("parley_push_failed_total"), alerts.toString());
    // Every parley_ series a rule reads is one a node exports (its cluster gauges included).
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "monitoring-test",
            com.typesafe.config.ConfigFactory.parseString(
                    "pekko.actor.provider = cluster\npekko.remote.artery.canonical.port = 0\npekko.remote.artery.canonical.hostname = 127.0.0.1\npekko.coordinated-shutdown.exit-jvm = off")
                .withFallback(com.typesafe.config.ConfigFactory.defaultReference()));
    try {
      io.parley.metrics.ClusterGauges.start(system);
      // A core node's push queue, which registers the parley_push_* series, even with pushes off.
      new PushQueue(
          Map.of(),
          (user, device, token) -> {},
          system.scheduler(),
          system.executionContext(),
          PushQueueSettings.from(ParleyConfig.load(com.typesafe.config.ConfigFactory.empty())));
      String scrape = Metrics.scrape();
      Matcher series =
          Pattern.compile("\\bparley_[a-z_]+").matcher(String.join("\n", alerts.values()));
      boolean any = false;
      while (series.find()) {
        any = true;
        assertTrue(
            Pattern.compile("(?m)^" + series.group() + "[{ ]").matcher(scrape).find(),
            "a rule reads " + series.group() + ", which /metrics does not have");
      }
      assertTrue(any);
    } finally {
      system.terminate();
    }
    assertFalse(alerts.isEmpty());
  }
}
