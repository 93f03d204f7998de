package io.parley.atrest;

import io.parley.CborSerializable;

/**
 * An event or snapshot as it is stored when encryption at rest is on: AES-256-GCM under the key
 * {@code key} names; {@code data} is the 12-byte nonce, then the ciphertext and its 16-byte tag.
 * The plaintext is the value as Pekko serializes it (serializer id, manifest, bytes), so the value
 * itself keeps its schema evolution. Its class name is the manifest of every sealed row: never move
 * or rename it.
 */
public record Sealed(String key, byte[] data) implements CborSerializable {}
