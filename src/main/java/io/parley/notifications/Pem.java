package io.parley.notifications;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PKCS#8 private keys in PEM, as Apple's .p8 files and Google's service accounts hold them. */
final class Pem {
  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private Pem() {}

  /**
   * The key in {@code pem}, of {@code algorithm} ("EC", "RSA"). The message of what it throws never
   * holds the key's text.
   */
  static PrivateKey privateKey(String pem, String algorithm) {
    Matcher m = PRIVATE_KEY.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "holds no PKCS#8 PEM key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("holds a PEM key that is not base64");
    }
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "holds a PEM key that is not a PKCS#8 " + algorithm + " private key");
    }
  }
}
