package io.parley.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The security headers of every answer of the HTTP port (docs/security.md), errors included: the
 * inner route is sealed inside the headers, so a rejection (404, 405, 401, a budget's 429) or a
 * failure is a response by the time they are added. REST answers ({@code /api/...}) are JSON and
 * never a page: their policy allows nothing, and no cache keeps them (they carry tokens and
 * profiles). Everything else is the web client's: its pages run only their own scripts and styles,
 * talk only to their own origin, and show only their own images, never a user-given URL (an avatar
 * on another host would tell that host who opened a chat, and when).
 */
final class SecurityHeaders {
  private static final String API = "/api";

  private static final HttpHeader NOSNIFF = RawHeader.create("X-Content-Type-Options", "nosniff");
  private static final HttpHeader NO_FRAMES = RawHeader.create("X-Frame-Options", "DENY");
  private static final HttpHeader NO_REFERRER = RawHeader.create("Referrer-Policy", "no-referrer");

  // no-cache: a new jar's client is picked up at the next load (revalidated, not blindly reused).
  static final List<HttpHeader> PAGE =
      List.of(
          RawHeader.create("Cache-Control", "no-cache"),
          NOSNIFF,
          NO_FRAMES,
          NO_REFERRER,
          RawHeader.create(
              "Content-Security-Policy",
              "default-src 'self'; img-src 'self' data:; connect-src 'self';"
                  + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'"));

  static final List<HttpHeader> REST =
      List.of(
          RawHeader.create("Cache-Control", "no-store"),
          NOSNIFF,
          NO_FRAMES,
          NO_REFERRER,
          RawHeader.create(
              "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"));

  private SecurityHeaders() {}

  /**
   * {@code hstsMaxAge}: present when the port speaks TLS, and then every answer also says
   * Strict-Transport-Security (a browser that once reached the node over https never tries plain
   * http for it again, so a network attacker cannot strip TLS from a later visit).
   */
  static Route around(Optional<Duration> hstsMaxAge, Supplier<Route> inner) {
    List<HttpHeader> hsts =
        hstsMaxAge
            .map(
                age ->
                    List.<HttpHeader>of(
                        RawHeader.create(
                            "Strict-Transport-Security", "max-age=" + age.toSeconds())))
            .orElse(List.of());
    return Directives.extractUnmatchedPath(
        path ->
            Directives.respondWithHeaders(
                concat(path.equals(API) || path.startsWith(API + "/") ? REST : PAGE, hsts),
                () -> inner.get().seal()));
  }

  private static List<HttpHeader> concat(List<HttpHeader> a, List<HttpHeader> b) {
    if (b.isEmpty()) return a;
    List<HttpHeader> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
