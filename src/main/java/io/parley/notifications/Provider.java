package io.parley.notifications;

import java.util.Optional;

/** Where a device's pushes go, by the name clients register it with. */
public enum Provider {
  APNS("apns"),
  FCM("fcm"),
  WEBHOOK("webhook");

  private final String wire;

  Provider(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<Provider> parse(String wire) {
    for (Provider p : values()) if (p.wire.equals(wire)) return Optional.of(p);
    return Optional.empty();
  }
}
