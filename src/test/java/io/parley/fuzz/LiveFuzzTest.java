package io.parley.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.edge.session.SessionSettings;
import io.parley.node.Node;
import io.parley.testing.Integration;
import io.parley.testing.TestNodes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fuzz against a real node and Cassandra, once per transport, each with its own users and
 * {@link FuzzRun#LIVE_FRAMES} / 3 frames (see {@link LiveFuzz} for what is checked).
 */
@Integration
@ExtendWith(TestNodes.class)
class LiveFuzzTest {
  // The shared node's settings: the limits its answers follow.
  private static final SessionSettings SETTINGS = SessionSettings.from(TestNodes.config(Map.of()));

  @Test
  void rawTcpSessionSurvivesFuzzAndStoresOnlyValidSends(Node node) throws Exception {
    fuzz(node, FuzzSocket.Transport.TCP);
  }

  @Test
  void jsonWebSocketSessionSurvivesFuzzAndStoresOnlyValidSends(Node node) throws Exception {
    fuzz(node, FuzzSocket.Transport.WS_JSON);
  }

  @Test
  void cborWebSocketSessionSurvivesFuzzAndStoresOnlyValidSends(Node node) throws Exception {
    fuzz(node, FuzzSocket.Transport.WS_CBOR);
  }

  private static void fuzz(Node node, FuzzSocket.Transport transport) throws Exception {
    FuzzSetup setup =
        FuzzSetup.create(node, transport.name().toLowerCase().replace("_", ""), SETTINGS);
    long seed = FuzzRun.SEED + transport.ordinal();
    List<String> findings =
        new LiveFuzz(setup, transport, seed, FuzzRun.LIVE_FRAMES / 3, SETTINGS).run();
    assertTrue(
        findings.isEmpty(),
        () ->
            "live fuzz over "
                + transport
                + ", "
                + FuzzRun.seedNote()
                + ":\n  "
                + String.join("\n  ", findings));
  }
}
