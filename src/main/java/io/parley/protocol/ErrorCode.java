package io.parley.protocol;

/** The error codes of docs/protocol.md section 7. */
public enum ErrorCode {
  BAD_REQUEST,
  UNAUTHORIZED,
  FORBIDDEN,
  NOT_FOUND,
  CONFLICT,
  TOO_LARGE,
  RATE_LIMITED,
  UNAVAILABLE,
  INTERNAL;

  public String wire() {
    return name().toLowerCase();
  }
}
