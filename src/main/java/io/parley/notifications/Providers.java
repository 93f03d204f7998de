package io.parley.notifications;

import com.typesafe.config.Config;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push providers enabled in {@code parley.push}, on one shared HTTP client. An enabled provider
 * whose settings are missing or wrong throws here, at start, naming the setting to fix.
 */
public final class Providers {
  private static final Logger log = LoggerFactory.getLogger(Providers.class);

  private Providers() {}

  /** The enabled providers, on a new HTTP client (HTTP/2, parley.push.connect-timeout). */
  public static Map<Provider, PushProvider> from(Config config) {
    Config push = config.getConfig(ProviderSettings.PUSH);
    // Each provider's block is named as clients name the provider (apns, fcm, webhook).
    for (Provider provider : Provider.values()) {
      if (push.getBoolean(provider.wire() + ".enabled")) {
        return from(config, clientBuilder(config).build());
      }
    }
    return Map.of(); // no client, no thread
  }

  /** The enabled providers on {@code http} (tests give one trusting their server). */
  public static Map<Provider, PushProvider> from(Config config, HttpClient http) {
    return from(config, http, Clock.systemUTC());
  }

  static Map<Provider, PushProvider> from(Config config, HttpClient http, Clock clock) {
    Config push = config.getConfig(ProviderSettings.PUSH);
    ProviderSettings common = ProviderSettings.from(push, clock);
    Map<Provider, PushProvider> providers = new EnumMap<>(Provider.class);
    ProviderSettings.Block apns = ProviderSettings.Block.of(push, "apns", "PARLEY_APNS");
    if (apns.config().getBoolean("enabled")) {
      providers.put(Provider.APNS, new ApnsProvider(http, common, apns));
      log.info(
          "APNs push on: {} for topic {}",
          apns.config().getString("endpoint"),
          apns.config().getString("topic"));
    }
    ProviderSettings.Block fcm = ProviderSettings.Block.of(push, "fcm", "PARLEY_FCM");
    if (fcm.config().getBoolean("enabled")) {
      providers.put(Provider.FCM, new FcmProvider(http, common, fcm));
      log.info("FCM push on: {}", fcm.config().getString("endpoint"));
    }
    ProviderSettings.Block webhook = ProviderSettings.Block.of(push, "webhook", "PARLEY_WEBHOOK");
    if (webhook.config().getBoolean("enabled")) {
      providers.put(Provider.WEBHOOK, new WebhookProvider(http, common, webhook));
      // The host only: a webhook URL's path or query may hold a secret of its own.
      log.info("Webhook push on: {}", webhook.url("url").getHost());
    }
    return Collections.unmodifiableMap(providers);
  }

  /**
   * How the client every provider shares is made: HTTP/2 (APNs requires it; one connection per host
   * carries every push at once), falling back to HTTP/1.1 where a server offers no more.
   */
  static HttpClient.Builder clientBuilder(Config config) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_2)
        .connectTimeout(config.getDuration(ProviderSettings.PUSH + ".connect-timeout"));
  }
}
