package io.parley.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;

/**
 * The fields of a Google service account's JSON key that FCM needs: the project pushed to, and the
 * identity and private key that sign the OAuth2 assertions exchanged at {@code tokenUri}.
 */
record ServiceAccount(
    String projectId,
    String clientEmail,
    RSAPrivateKey privateKey,
    String privateKeyId,
    URI tokenUri) {

  /** Reads {@code key} of {@code block}; each problem names that setting and the missing field. */
  static ServiceAccount read(ProviderSettings.Block block, String key) {
    Path file = block.readableFile(key);
    JsonNode json;
    try {
      json = PushHttp.JSON.readTree(file.toFile());
    } catch (IOException e) {
      // Not the parser's message: it may quote the file, and so the private key.
      throw block.bad(key, "names " + file + ", which is not a JSON service account key");
    }
    String[] fields = {"project_id", "client_email", "private_key", "private_key_id", "token_uri"};
    for (String field : fields) {
      if (json == null || !json.path(field).isTextual() || json.path(field).asText().isBlank()) {
        throw block.bad(key, "names " + file + ", which has no " + field);
      }
    }
    RSAPrivateKey privateKey;
    try {
      privateKey = (RSAPrivateKey) Pem.privateKey(json.get("private_key").asText(), "RSA");
    } catch (IllegalArgumentException e) {
      throw block.bad(key, "names " + file + ", whose private_key " + e.getMessage());
    }
    URI tokenUri;
    try {
      tokenUri = URI.create(json.get("token_uri").asText());
    } catch (IllegalArgumentException e) {
      throw block.bad(key, "names " + file + ", whose token_uri is not a URL");
    }
    if (!"https".equals(tokenUri.getScheme()) && !"http".equals(tokenUri.getScheme())) {
      throw block.bad(key, "names " + file + ", whose token_uri is not an http(s) URL");
    }
    return new ServiceAccount(
        json.get("project_id").asText(),
        json.get("client_email").asText(),
        privateKey,
        json.get("private_key_id").asText(),
        tokenUri);
  }

  /** Without the private key, should this ever be printed. */
  @Override
  public String toString() {
    return "ServiceAccount[" + clientEmail + " of " + projectId + "]";
  }
}
