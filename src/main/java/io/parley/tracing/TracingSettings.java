package io.parley.tracing;

import com.typesafe.config.Config;

/**
 * {@code parley.tracing}: whether this node makes spans of sends, where it exports them (an OTLP
 * HTTP endpoint), which share of sends it traces, and the service name the spans carry.
 */
public record TracingSettings(
    boolean enabled, String otlpEndpoint, double sampleRatio, String serviceName) {

  public TracingSettings {
    if (sampleRatio < 0 || sampleRatio > 1) {
      throw new IllegalArgumentException(
          "parley.tracing.sample-ratio must be between 0 and 1, not " + sampleRatio);
    }
  }

  public static TracingSettings from(Config config) {
    Config c = config.getConfig("parley.tracing");
    return new TracingSettings(
        c.getBoolean("enabled"),
        c.getString("otlp-endpoint").strip(),
        c.getDouble("sample-ratio"),
        c.getString("service-name"));
  }
}
