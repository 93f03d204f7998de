package io.parley.protocol;

/** The error codes of docs/protocol.md section 7, and Parley's extensions. */
public enum ErrorCode {
  BAD_REQUEST,
  UNAUTHORIZED,
  FORBIDDEN,
  NOT_FOUND,
  CONFLICT,
  TOO_LARGE,
  RATE_LIMITED,
  UNAVAILABLE,
  INTERNAL,
  /** Extension (docs/protocol.md "Content filter"): a text body the filter refuses. */
  CONTENT_REJECTED;

  public String wire() {
    return name().toLowerCase();
  }
}
