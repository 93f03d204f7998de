package io.parley.http;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.Counter;
import io.parley.edge.budgets.KeyedBudgets;
import io.parley.edge.budgets.RateLimiter;
import io.parley.metrics.Metrics;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The REST budgets ({@code parley.rest}): every request per source address, every authenticated
 * request per user, and logins and registrations per source address and per user id. A request over
 * a budget is answered 429 with Retry-After and nothing of it is done.
 */
public final class RestBudgets {
  // Slots of the per-address and the per-user-id budgets.
  private static final int ANY = 0;
  private static final int LOGIN = 1;
  private static final int REGISTER = 2;
  private static final int IPV6_PREFIX_BYTES = 8;
  // Requests whose source is not known share one budget (HttpListener always passes it on).
  private static final InetAddress UNKNOWN_SOURCE = InetAddress.getLoopbackAddress();
  private static final Counter REFUSED =
      Counter.builder("parley.rest.refused")
          .description("REST requests answered 429 (parley.rest budgets)")
          .register(Metrics.REGISTRY);

  public record Settings(
      RateLimiter perAddress,
      RateLimiter perUser,
      RateLimiter loginPerAddress,
      RateLimiter loginPerUser,
      RateLimiter registerPerAddress,
      RateLimiter registerPerUser,
      int maxKeys) {

    public static Settings from(Config config) {
      Config r = config.getConfig("parley.rest");
      return new Settings(
          RateLimiter.from(r.getConfig("per-address"), ""),
          RateLimiter.from(r.getConfig("per-user"), ""),
          RateLimiter.from(r.getConfig("login"), ""),
          RateLimiter.from(r.getConfig("login"), "user-"),
          RateLimiter.from(r.getConfig("register"), ""),
          RateLimiter.from(r.getConfig("register"), "user-"),
          r.getInt("max-keys"));
    }
  }

  private final KeyedBudgets<InetAddress> addresses;
  private final KeyedBudgets<String> users;

  public RestBudgets(Settings s) {
    this.addresses =
        new KeyedBudgets<>(
            List.of(s.perAddress(), s.loginPerAddress(), s.registerPerAddress()), s.maxKeys());
    this.users =
        new KeyedBudgets<>(
            List.of(s.perUser(), s.loginPerUser(), s.registerPerUser()), s.maxKeys());
  }

  /** Every request: its source address's budget. */
  public Route perAddress(Supplier<Route> inner) {
    return fromAddress(ANY, "requests", inner);
  }

  /** A request with a valid token of this user. */
  public Route perUser(String user, Supplier<Route> inner) {
    return spend(users.take(user, ANY, System.nanoTime()), "requests for this user", inner);
  }

  Route loginFromAddress(Supplier<Route> inner) {
    return fromAddress(LOGIN, "log-ins", inner);
  }

  Route loginAs(String user, Supplier<Route> inner) {
    return spend(users.take(user, LOGIN, System.nanoTime()), "log-ins for this user", inner);
  }

  Route registerFromAddress(Supplier<Route> inner) {
    return fromAddress(REGISTER, "registrations", inner);
  }

  Route registerAs(String user, Supplier<Route> inner) {
    return spend(
        users.take(user, REGISTER, System.nanoTime()), "registrations of this user id", inner);
  }

  private Route fromAddress(int slot, String what, Supplier<Route> inner) {
    return Directives.extractRequest(
        request ->
            spend(
                addresses.take(source(request), slot, System.nanoTime()),
                what + " from your address",
                inner));
  }

  private static Route spend(long waitNanos, String what, Supplier<Route> inner) {
    if (waitNanos == 0) return inner.get();
    REFUSED.increment();
    long seconds =
        Math.max(1, (waitNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
    return Json.tooManyRequests(seconds, "too many " + what + "; retry after " + seconds + " s");
  }

  /**
   * The peer of the connection (pekko.http.server.remote-address-attribute; forwarding headers are
   * the client's to forge, so they are not used). An IPv6 client counts by its /64, the block one
   * subscriber usually holds.
   */
  static InetAddress source(HttpRequest request) {
    InetAddress address =
        request
            .getAttribute(AttributeKeys.remoteAddress)
            .flatMap(RemoteAddress::getAddress)
            .orElse(UNKNOWN_SOURCE);
    if (!(address instanceof Inet6Address)) return address;
    byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
    Arrays.fill(prefix, IPV6_PREFIX_BYTES, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(prefix);
    } catch (java.net.UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
