package io.parley.notifications;

/**
 * How the queue tells a user entity that a provider refused a device's token for good: the entity
 * removes that device's registration if it still has this token (the device may have registered a
 * new one meanwhile). The node wires it to the user entities.
 */
public interface DeadTokens {
  void remove(String user, String device, String token);
}
