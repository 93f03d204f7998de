package io.parley.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.List;
import java.util.Map;

/** A pod-creating object: its selector (none for a Job), replicas and pod template. */
record Workload(
    String kind, String name, LabelSelector selector, Integer replicas, PodTemplateSpec template) {
  Map<String, String> podLabels() {
    return template.getMetadata().getLabels() == null
        ? Map.of()
        : template.getMetadata().getLabels();
  }

  List<Container> containers() {
    return template.getSpec().getContainers();
  }

  /** Init containers first, then the containers: everything the pod runs. */
  List<Container> allContainers() {
    List<Container> all = new java.util.ArrayList<>();
    if (template.getSpec().getInitContainers() != null) {
      all.addAll(template.getSpec().getInitContainers());
    }
    all.addAll(containers());
    return all;
  }

  @Override
  public String toString() {
    return kind + " " + name;
  }
}
