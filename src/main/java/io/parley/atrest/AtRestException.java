package io.parley.atrest;

/**
 * Encrypted data that cannot be read (its key is missing, or it does not authenticate), or keys
 * that cannot be loaded. Never a reason to go on with other data: readers fail and log it.
 */
public final class AtRestException extends IllegalStateException {
  AtRestException(String message) {
    super(message);
  }

  AtRestException(String message, Throwable cause) {
    super(message, cause);
  }
}
