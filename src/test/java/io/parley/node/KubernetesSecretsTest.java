package io.parley.node;

import static io.parley.node.Manifests.container;
import static io.parley.node.Manifests.env;
import static io.parley.node.Manifests.list;
import static io.parley.node.Manifests.secretData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.parley.notifications.Provider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secrets reach the pods as Kubernetes advises: passwords as secretKeyRef variables, key and trust
 * stores and the push providers' keys as files on read-only mounts of the Secret (never in a
 * ConfigMap or a literal), every one named in secret-template.yaml; and Cassandra requires logins
 * and TLS, each replica on its own machine, one seed.
 */
class KubernetesSecretsTest {
  /** Variables that hold a credential: never a literal or a ConfigMap value. */
  private static final Set<String> CREDENTIALS =
      Set.of(
          "PARLEY_TOKEN_SECRET",
          "PARLEY_CASSANDRA_USERNAME",
          "PARLEY_CASSANDRA_PASSWORD",
          "PARLEY_CASSANDRA_TRUSTSTORE_PASSWORD",
          "PARLEY_ARTERY_KEYSTORE_PASSWORD",
          "PARLEY_ARTERY_TRUSTSTORE_PASSWORD",
          "PARLEY_TLS_KEYSTORE_PASSWORD");

  /** Variables that name a file the node reads: a key or trust store, the at-rest keys. */
  private static final Set<String> FILES =
      Set.of(
          "PARLEY_CASSANDRA_TRUSTSTORE",
          "PARLEY_ARTERY_KEYSTORE",
          "PARLEY_ARTERY_TRUSTSTORE",
          "PARLEY_TLS_KEYSTORE",
          "PARLEY_AT_REST_KEYS_FILE",
          "PARLEY_APNS_KEY_FILE",
          "PARLEY_FCM_SERVICE_ACCOUNT_FILE",
          "PARLEY_WEBHOOK_SECRET_FILE");

  /** The push providers' credentials, as files of Secrets an operator may not have made. */
  private static final Map<String, String> PUSH_SECRETS =
      Map.of(
          "PARLEY_APNS_KEY_FILE", "parley-apns",
          "PARLEY_FCM_SERVICE_ACCOUNT_FILE", "parley-fcm",
          "PARLEY_WEBHOOK_SECRET_FILE", "parley-webhook");

  private static Manifests k8s;

  @BeforeAll
  static void load() throws IOException {
    k8s = Manifests.load();
  }

  @Test
  void nodesGetEveryCredentialAndStoreTheirRoleNeeds() {
    Set<String> everyNode =
        Set.of(
            "PARLEY_TOKEN_SECRET",
            "PARLEY_CASSANDRA_USERNAME",
            "PARLEY_CASSANDRA_PASSWORD",
            "PARLEY_CASSANDRA_TRUSTSTORE",
            "PARLEY_CASSANDRA_TRUSTSTORE_PASSWORD",
            "PARLEY_ARTERY_KEYSTORE",
            "PARLEY_ARTERY_KEYSTORE_PASSWORD",
            "PARLEY_ARTERY_TRUSTSTORE",
            "PARLEY_ARTERY_TRUSTSTORE_PASSWORD",
            "PARLEY_AT_REST_KEYS_FILE");
    for (Workload node : k8s.nodes) {
      Map<String, String> environment = k8s.environment(node, container(node));
      assertTrue(environment.keySet().containsAll(everyNode), node + ": " + environment.keySet());
      assertEquals("on", environment.get("PARLEY_ARTERY_TLS"), node + ": Artery over TLS");
    }
    Map<String, String> edge = k8s.environment(k8s.node("edge"), container(k8s.node("edge")));
    assertEquals("on", edge.get("PARLEY_TLS"), "the edge's public ports over TLS");
    assertNotNull(edge.get("PARLEY_TLS_KEYSTORE"), "the edge's certificate");
    Workload job = k8s.workload("Job", "parley-schema");
    assertTrue(
        k8s.environment(job, container(job))
            .keySet()
            .containsAll(
                Set.of(
                    "PARLEY_CASSANDRA_USERNAME",
                    "PARLEY_CASSANDRA_PASSWORD",
                    "PARLEY_CASSANDRA_TRUSTSTORE",
                    "PARLEY_CASSANDRA_TRUSTSTORE_PASSWORD")),
        "the schema Job logs in to Cassandra over TLS too");
  }

  @Test
  void credentialsComeFromSecretsAndStoresFromReadOnlySecretFiles() {
    for (Workload w : k8s.parleyWorkloads()) {
      Container c = container(w);
      Map<String, String> files = secretFiles(w, c);
      for (EnvVar e : list(c.getEnv())) {
        String where = w + ": " + e.getName();
        if (CREDENTIALS.contains(e.getName())) {
          assertTrue(
              e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null,
              where + " must come from a Secret (secretKeyRef), never a literal");
        }
        if (FILES.contains(e.getName())) {
          String secretKey = files.get(e.getValue());
          assertNotNull(
              secretKey,
              where + " = " + e.getValue() + " is no file of a read-only Secret mount: " + files);
          String[] ref = secretKey.split("/", 2);
          Secret template = k8s.one(Secret.class, ref[0]);
          assertTrue(
              secretData(template).containsKey(ref[1]),
              where + ": Secret " + ref[0] + " (secret-template.yaml) has no key " + ref[1]);
        }
      }
    }
    // No credential in a ConfigMap (parley-config, parley-push).
    for (var map : k8s.all(io.fabric8.kubernetes.api.model.ConfigMap.class)) {
      for (String key : map.getData().keySet()) {
        assertTrue(
            !CREDENTIALS.contains(key) && !FILES.contains(key),
            map.getMetadata().getName() + " holds " + key);
      }
    }
  }

  /**
   * The push queues run on core nodes: they get the providers' credentials as files of their
   * Secrets, each optional (a cluster without pushes needs none), and every provider is off until
   * the operator enables it. Edge nodes get none of it.
   */
  @Test
  void coreNodesGetThePushCredentialsFromOptionalSecretsAndPushesAreOff() {
    Workload core = k8s.node("core");
    Map<String, String> environment = k8s.environment(core, container(core));
    Map<String, String> files = secretFiles(core, container(core));
    for (var push : PUSH_SECRETS.entrySet()) {
      String path = environment.get(push.getKey());
      assertNotNull(path, core + ": " + push.getKey());
      assertEquals(push.getValue(), files.get(path).split("/", 2)[0], push.getKey());
    }
    List<String> optional = new ArrayList<>();
    for (Volume v : core.template().getSpec().getVolumes()) {
      if (v.getProjected() == null) continue;
      for (VolumeProjection p : v.getProjected().getSources()) {
        if (p.getSecret() != null && Boolean.TRUE.equals(p.getSecret().getOptional())) {
          optional.add(p.getSecret().getName());
        }
      }
    }
    assertEquals(
        Set.copyOf(PUSH_SECRETS.values()),
        Set.copyOf(optional),
        "the push Secrets, and only they, are optional");
    Config conf = k8s.nodeConfig(core);
    for (Provider provider : Provider.values()) {
      assertFalse(
          conf.getBoolean("parley.push." + provider.wire() + ".enabled"), provider + " is on");
    }
    Workload edge = k8s.node("edge");
    for (String variable : k8s.environment(edge, container(edge)).keySet()) {
      assertFalse(
          variable.matches("PARLEY_(APNS|FCM|WEBHOOK)_.*"),
          edge + " gets push setting " + variable);
    }
  }

  /** Path in the container -> "secret/key", for every file of a read-only Secret mount. */
  private static Map<String, String> secretFiles(Workload w, Container c) {
    Map<String, String> files = new LinkedHashMap<>();
    for (VolumeMount m : list(c.getVolumeMounts())) {
      if (!Boolean.TRUE.equals(m.getReadOnly())) continue;
      Volume v =
          w.template().getSpec().getVolumes().stream()
              .filter(x -> x.getName().equals(m.getName()))
              .findFirst()
              .orElseThrow();
      List<Map.Entry<String, List<KeyToPath>>> sources = new ArrayList<>();
      if (v.getSecret() != null) {
        sources.add(Map.entry(v.getSecret().getSecretName(), list(v.getSecret().getItems())));
      }
      if (v.getProjected() != null) {
        for (VolumeProjection p : v.getProjected().getSources()) {
          if (p.getSecret() != null) {
            sources.add(Map.entry(p.getSecret().getName(), list(p.getSecret().getItems())));
          }
        }
      }
      for (var source : sources) {
        List<KeyToPath> items = source.getValue();
        if (items.isEmpty()) {
          // The whole Secret: a file per key (the keys secret-template.yaml names).
          items =
              secretData(k8s.one(Secret.class, source.getKey())).keySet().stream()
                  .map(key -> new KeyToPathBuilder().withKey(key).withPath(key).build())
                  .toList();
        }
        for (KeyToPath item : items) {
          files.put(m.getMountPath() + "/" + item.getPath(), source.getKey() + "/" + item.getKey());
        }
      }
    }
    return files;
  }

  @Test
  void cassandraRequiresLoginsAndTlsFromItsSecret() {
    Workload ring = k8s.workload("StatefulSet", "cassandra");
    Container cassandra = container(ring);
    String options = env(cassandra, "JVM_EXTRA_OPTS").getValue();
    for (String setting :
        List.of(
            "-Dcassandra.config.allow_system_properties=true",
            "-Dcassandra.settings.authenticator.class_name=PasswordAuthenticator",
            "-Dcassandra.settings.authorizer.class_name=CassandraAuthorizer",
            "-Dcassandra.settings.client_encryption_options.enabled=true",
            "-Dcassandra.settings.client_encryption_options.optional=false",
            "-Dcassandra.settings.server_encryption_options.internode_encryption=all",
            "-Dcassandra.settings.server_encryption_options.require_client_auth=true")) {
      assertTrue(List.of(options.split("\\s+")).contains(setting), "Cassandra: " + setting);
    }
    Map<String, String> files = secretFiles(ring, cassandra);
    for (String option : options.split("\\s+")) {
      if (!option.matches("-Dcassandra\\.settings\\..*(keystore|truststore)=.*")) continue;
      String path = option.substring(option.indexOf('=') + 1);
      String[] ref = files.getOrDefault(path, "").split("/", 2);
      assertEquals(2, ref.length, option + ": not a file of a read-only Secret mount " + files);
      assertTrue(
          secretData(k8s.one(Secret.class, ref[0])).containsKey(ref[1]),
          option + ": Secret " + ref[0] + " has no key " + ref[1]);
    }
  }

  @Test
  void cassandraReplicasNeedTheirOwnMachinesAndOneSeed() {
    Workload ring = k8s.workload("StatefulSet", "cassandra");
    var affinity = ring.template().getSpec().getAffinity().getPodAntiAffinity();
    assertTrue(
        list(affinity.getPreferredDuringSchedulingIgnoredDuringExecution()).stream()
            .map(WeightedPodAffinityTerm::getPodAffinityTerm)
            .noneMatch(t -> true),
        "Cassandra's anti-affinity must be required, not preferred");
    var required = list(affinity.getRequiredDuringSchedulingIgnoredDuringExecution());
    assertTrue(
        required.stream()
            .anyMatch(
                t ->
                    t.getTopologyKey().equals("kubernetes.io/hostname")
                        && Manifests.matches(t.getLabelSelector(), ring.podLabels())),
        "Cassandra: required anti-affinity on kubernetes.io/hostname against its own pods");
    String seeds = env(container(ring), "CASSANDRA_SEEDS").getValue();
    assertEquals(1, seeds.split(",").length, "one seed: " + seeds);
    assertTrue(seeds.startsWith(ring.name() + "-0."), "the seed is the first pod: " + seeds);
  }
}
