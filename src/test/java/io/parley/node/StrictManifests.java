package io.parley.node;

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
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * YAML documents parsed strictly into fabric8's Kubernetes model: a misspelt or unknown field, a
 * coerced scalar or an unknown kind fails, as `kubectl apply --validate=strict` would.
 */
final class StrictManifests {
  /**
   * The kinds Parley deploys (k8s/ and the monitoring overlay's Prometheus Operator kinds): {@link
   * #parse} refuses any other.
   */
  static final Map<String, Class<? extends HasMetadata>> KINDS =
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
              Namespace.class,
              NetworkPolicy.class,
              PodMonitor.class,
              PrometheusRule.class)
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
  static final ObjectMapper STRICT = strictMapper();

  private StrictManifests() {}

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

  /** Parses every YAML document of one file into the fabric8 type its kind names, strictly. */
  static List<Manifest> parse(String file, String yaml) {
    List<Manifest> parsed = new ArrayList<>();
    List<Object> documents = ManifestYaml.documents(yaml, file);
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
  static void assertNoAdditionalProperties(Object value, String path) {
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
}
