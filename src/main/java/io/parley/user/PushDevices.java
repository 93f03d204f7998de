package io.parley.user;

import io.parley.CborSerializable;
import io.parley.notifications.Provider;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A user's devices registered for pushes, in the user entity's state: device id to its
 * registration; and, per conversation, the seq up to which pushes were handed over ({@code
 * notified}), so that no (device, conv, seq) is pushed twice, not even after a restart. A device
 * holds one registration; a token belongs to one device (registering it for another device moves it
 * there, so a reinstalled app under a new device id is not pushed twice).
 */
public record PushDevices(Map<String, Device> devices, Map<String, Long> notified)
    implements CborSerializable {
  static final PushDevices NONE = new PushDevices(Map.of(), Map.of());

  public PushDevices {
    devices = devices == null ? Map.of() : devices;
    notified = notified == null ? Map.of() : notified;
  }

  /**
   * One device's registration. {@code tokenId}: the login token it was registered with (logging
   * that token out removes it); {@code registeredAt}: epoch ms.
   */
  public record Device(
      Provider provider, String token, boolean preview, String tokenId, long registeredAt)
      implements CborSerializable {}

  /** The entity's answer to a registration. */
  public enum Registered implements CborSerializable {
    DONE,
    /** A new device beyond parley.push.max-devices-per-user: nothing stored. */
    TOO_MANY
  }

  /** What the user's clients may see of a registration: never the token. */
  public record Listed(String device, String provider, boolean preview, long registeredAt)
      implements CborSerializable {}

  public record View(List<Listed> devices) implements CborSerializable {}

  boolean isEmpty() {
    return devices.isEmpty();
  }

  /**
   * Whether registering {@code device} with this token would take one more place than there is (a
   * device that holds the token gives its place up).
   */
  boolean full(String device, Provider provider, String token, int max) {
    if (devices.containsKey(device) || devices.size() < max) return false;
    return devices.values().stream()
        .noneMatch(d -> d.provider() == provider && d.token().equals(token));
  }

  /** Whether {@code device} is registered with exactly this token. */
  boolean holds(String device, String token) {
    Device d = devices.get(device);
    return d != null && d.token().equals(token);
  }

  long notified(String conv) {
    return notified.getOrDefault(conv, 0L);
  }

  View view() {
    return new View(
        devices.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(
                e ->
                    new Listed(
                        e.getKey(),
                        e.getValue().provider().wire(),
                        e.getValue().preview(),
                        e.getValue().registeredAt()))
            .toList());
  }

  /**
   * The registered devices a logout of token {@code tokenId} removes: {@code device} (named by the
   * client, may be null), those registered with that token, and {@code live} (the devices whose
   * sessions authenticated with it). Sorted, so the events are the same on every run.
   */
  List<String> loggedOut(String tokenId, String device, Collection<String> live) {
    TreeSet<String> gone = new TreeSet<>();
    if (device != null && devices.containsKey(device)) gone.add(device);
    live.forEach(
        d -> {
          if (devices.containsKey(d)) gone.add(d);
        });
    devices.forEach(
        (id, d) -> {
          if (d.tokenId() != null && d.tokenId().equals(tokenId)) gone.add(id);
        });
    return List.copyOf(gone);
  }

  PushDevices registered(String device, Device registration) {
    Map<String, Device> next = new HashMap<>(devices);
    next.values()
        .removeIf(
            d -> d.provider() == registration.provider() && d.token().equals(registration.token()));
    next.put(device, registration);
    return new PushDevices(Map.copyOf(next), notified);
  }

  PushDevices removed(String device) {
    if (!devices.containsKey(device)) return this;
    Map<String, Device> next = new HashMap<>(devices);
    next.remove(device);
    return new PushDevices(Map.copyOf(next), notified);
  }

  PushDevices notified(String conv, long seq) {
    return seq <= notified(conv) ? this : new PushDevices(devices, Maps.with(notified, conv, seq));
  }

  /**
   * The user left conv: its marker goes (a conversation's seqs only grow, so none is pushed again).
   */
  PushDevices forget(String conv) {
    if (!notified.containsKey(conv)) return this;
    Map<String, Long> next = new HashMap<>(notified);
    next.remove(conv);
    return new PushDevices(devices, Map.copyOf(next));
  }
}
