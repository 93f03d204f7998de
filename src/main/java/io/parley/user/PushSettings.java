package io.parley.user;

import com.typesafe.config.Config;

/**
 * When the user entity pushes ({@code parley.push}, "when to push"): the registrations it keeps.
 */
record PushSettings(int maxDevices) {

  static PushSettings from(Config config) {
    Config p = config.getConfig("parley.push");
    return new PushSettings(p.getInt("max-devices-per-user"));
  }
}
