package io.parley.http;

import java.util.Map;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web client, served from the classpath folder {@code web/}: {@code /} is its page and each of
 * its files is one path segment below {@code /}. Only names of the shape below, with a known
 * extension, are looked up, and only in {@code web/}: nothing else on the classpath is reachable.
 * Its headers (the page's Content-Security-Policy among them) are {@link SecurityHeaders#PAGE}.
 */
public final class WebRoutes extends AllDirectives {
  private static final String FOLDER = "web/";
  private static final Pattern FILE = Pattern.compile("[a-z][a-z0-9-]*\\.(?:html|js|css|svg)");

  // RFC 9239 names text/javascript; ES modules need a JavaScript type (browsers check it).
  private static final ContentType.WithCharset JAVASCRIPT =
      MediaTypes.customWithOpenCharset("text", "javascript", Map.of(), true, "js")
          .toContentType(HttpCharsets.UTF_8);
  private static final Map<String, ContentType> TYPES =
      Map.of(
          "html", MediaTypes.TEXT_HTML.toContentType(HttpCharsets.UTF_8),
          "js", JAVASCRIPT,
          "css", MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8),
          "svg", MediaTypes.IMAGE_SVG_XML.toContentType());

  public Route routes() {
    return get(
        () ->
            concat(
                pathSingleSlash(() -> getFromResource(FOLDER + "index.html", TYPES.get("html"))),
                path(
                    PathMatchers.segment(FILE),
                    name -> getFromResource(FOLDER + name, TYPES.get(extension(name))))));
  }

  private static String extension(String name) {
    return name.substring(name.lastIndexOf('.') + 1);
  }
}
