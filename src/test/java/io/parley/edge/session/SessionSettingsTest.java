package io.parley.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.parley.node.ParleyConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings a node refuses to start with, read from conf/application.conf plus overrides. */
class SessionSettingsTest {
  private static SessionSettings settings(Map<String, Object> overrides) {
    return SessionSettings.from(ParleyConfig.load(ConfigFactory.parseMap(overrides)));
  }

  @Test
  void oversizeRidScanBytesFromZeroToMaxFrameBytesIsTaken() {
    assertEquals(
        0, settings(Map.of("parley.limits.oversize-rid-scan-bytes", 0)).oversizeRidScanBytes());
    var atLimit =
        settings(
            Map.of(
                "parley.limits.max-frame-bytes", 65536,
                "parley.limits.oversize-rid-scan-bytes", 65536));
    assertEquals(65536, atLimit.oversizeRidScanBytes());
  }

  @Test
  void aNegativeOversizeRidScanBytesFailsTheStartNamingTheSetting() {
    var refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> settings(Map.of("parley.limits.oversize-rid-scan-bytes", -1)));
    assertTrue(
        refused.getMessage().contains("parley.limits.oversize-rid-scan-bytes"),
        refused.getMessage());
  }

  @Test
  void anOversizeRidScanBytesAboveMaxFrameBytesFailsTheStart() {
    var refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                settings(
                    Map.of(
                        "parley.limits.max-frame-bytes", 65536,
                        "parley.limits.oversize-rid-scan-bytes", 65537)));
    assertTrue(
        refused.getMessage().contains("parley.limits.oversize-rid-scan-bytes"),
        refused.getMessage());
  }
}
