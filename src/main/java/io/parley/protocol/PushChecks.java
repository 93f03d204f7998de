package io.parley.protocol;

/** The checks of a push registration: the socket's {@code push_register} and the REST call. */
final class PushChecks {
  private PushChecks() {}

  /**
   * What is wrong with a push registration's fields, or null (the socket frame and the REST call
   * alike). {@code device} may be null (the session's own); a token is 1 to {@code maxTokenBytes}
   * chars of printable ASCII without spaces, as every provider's tokens are.
   */
  static String problem(String device, String provider, String token, int maxTokenBytes) {
    if (device != null && !ClientFrame.validDevice(device)) return ClientFrame.DEVICE_RULE;
    if (provider == null) return "provider is required";
    if (token == null || token.isEmpty()) return "token is required";
    if (token.length() > maxTokenBytes) return "token must be at most " + maxTokenBytes + " bytes";
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < '!' || c > '~') return "token must be printable ASCII without spaces";
    }
    return null;
  }
}
