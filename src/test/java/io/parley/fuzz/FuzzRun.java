package io.parley.fuzz;

import com.typesafe.config.ConfigFactory;
import io.parley.edge.session.SessionSettings;
import io.parley.node.ParleyConfig;
import java.security.SecureRandom;

/**
 * One fuzz run's knobs, from system properties. The short form (the defaults) runs in CI; a long
 * form only takes larger counts, e.g. {@code -Dparley.fuzz.frames=2000000
 * -Dparley.fuzz.live-frames=300000}. A failure names the seed; {@code -Dparley.fuzz.seed=N} replays
 * the same frames in the same order.
 */
final class FuzzRun {
  private FuzzRun() {}

  /** One seed per test JVM, shared by the codec and the live fuzz. */
  static final long SEED = Long.getLong("parley.fuzz.seed", new SecureRandom().nextLong());

  /** Frames through the codecs in process: half the trees, each written as JSON and as CBOR. */
  static final int FRAMES = Integer.getInteger("parley.fuzz.frames", 100_000);

  /** Frames over real sockets, split across raw TCP, WebSocket JSON and WebSocket CBOR. */
  static final int LIVE_FRAMES = Integer.getInteger("parley.fuzz.live-frames", 30_000);

  /** The edge settings from conf/application.conf: the limits a frame is judged by. */
  static SessionSettings defaults() {
    return SessionSettings.from(ParleyConfig.load(ConfigFactory.empty()));
  }

  static String seedNote() {
    return "seed " + SEED + " (replay: -Dparley.fuzz.seed=" + SEED + ")";
  }
}
