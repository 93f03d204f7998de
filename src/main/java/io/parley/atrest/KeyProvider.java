package io.parley.atrest;

import javax.crypto.SecretKey;

/**
 * Where the keys that encrypt data at rest come from. {@link KeyFile} reads them from a file (a
 * mounted Kubernetes Secret in production); a KMS can implement this later. Every key a stored
 * event or snapshot names must stay available: nothing is re-encrypted when the active key changes.
 */
public interface KeyProvider {
  /** The id of the key that new events and snapshots are sealed with. */
  String activeKeyId();

  /** The AES key with this id, or null when this provider has none by that id. */
  SecretKey key(String id);

  /** Where the keys come from and how many there are, for log lines and errors; never a key. */
  String describe();
}
