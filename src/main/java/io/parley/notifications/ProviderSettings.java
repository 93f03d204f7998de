package io.parley.notifications;

import com.typesafe.config.Config;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * What every provider reads from {@code parley.push}, and the checks that refuse an enabled
 * provider's missing or wrong setting at start, each naming the setting (and its environment
 * variable) to fix.
 */
record ProviderSettings(Duration requestTimeout, int maxPreviewBytes, Clock clock) {
  static final String PUSH = "parley.push";

  static ProviderSettings from(Config push, Clock clock) {
    return new ProviderSettings(
        push.getDuration("request-timeout"), push.getInt("max-preview-bytes"), clock);
  }

  /** One provider's block, e.g. {@code parley.push.apns}, whose variables start with env. */
  record Block(Config config, String path, String env) {
    static Block of(Config push, String name, String env) {
      return new Block(push.getConfig(name), PUSH + "." + name, env);
    }

    /** A setting that must not be empty. */
    String required(String key) {
      String value = config.getString(key).strip();
      if (value.isEmpty()) throw bad(key, "is not set");
      return value;
    }

    /** A setting naming a file that must exist and be readable. */
    Path readableFile(String key) {
      Path file = Path.of(required(key));
      if (!Files.isRegularFile(file)) throw bad(key, "names " + file + ", which is not a file");
      if (!Files.isReadable(file)) throw bad(key, "names " + file + ", which cannot be read");
      return file;
    }

    /** An http(s) URL with a host. */
    URI url(String key) {
      String value = required(key);
      try {
        URI uri = new URI(value);
        boolean web = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
        if (web && uri.getHost() != null) return uri;
      } catch (java.net.URISyntaxException e) {
        // reported below
      }
      // Not quoted: a webhook URL may hold a secret of its own.
      throw bad(key, "is not an http(s) URL with a host");
    }

    Duration duration(String key) {
      return config.getDuration(key);
    }

    /** A problem with {@code key}: the message says which setting and variable to fix. */
    IllegalArgumentException bad(String key, String problem) {
      return bad(key, problem, null);
    }

    IllegalArgumentException bad(String key, String problem, Throwable cause) {
      String variable = env + "_" + key.replace('-', '_').toUpperCase(java.util.Locale.ROOT);
      return new IllegalArgumentException(
          path + "." + key + " (" + variable + ") " + problem + "; " + path + " is enabled", cause);
    }
  }
}
