package io.parley.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** What the providers share: JSON, the text shown, Retry-After, and errors mapped to outcomes. */
final class PushHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String NO_PREVIEW = "New message";
  private static final String ELLIPSIS = "…";

  private PushHttp() {}

  /**
   * Runs {@code send} so that its stage never completes exceptionally: a transport error (refused
   * connection, timeout, reset) becomes a {@link Outcome.Retry}, anything else a {@link
   * Outcome.Failed}, whether thrown at once or later.
   */
  static CompletionStage<Outcome> settle(Supplier<CompletionStage<Outcome>> send) {
    CompletionStage<Outcome> stage;
    try {
      stage = send.get();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(fromError(e));
    }
    return stage.handle((outcome, error) -> error == null ? outcome : fromError(error));
  }

  static Outcome fromError(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof Refused refused) return refused.outcome;
    String what = cause.getClass().getSimpleName();
    // Messages of the JDK's transport errors name no URL, so no device token.
    String reason = cause.getMessage() == null ? what : what + ": " + cause.getMessage();
    return cause instanceof IOException
        ? new Outcome.Retry(null, reason)
        : new Outcome.Failed(reason);
  }

  /** A step before the push itself (FCM's token exchange) that ended in an outcome. */
  static final class Refused extends RuntimeException {
    final transient Outcome outcome;

    Refused(Outcome outcome) {
      super(outcome.toString(), null, false, false);
      this.outcome = outcome;
    }
  }

  /** The statuses worth trying again: too many requests, and the server's own errors. */
  static boolean retryable(int status) {
    return status == 429 || status >= 500;
  }

  static Outcome.Retry retry(HttpResponse<?> response, String reason, Clock clock) {
    return new Outcome.Retry(retryAfter(response, clock), reason);
  }

  /** Retry-After as seconds or as an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(HttpResponse<?> response, Clock clock) {
    String value = response.headers().firstValue("retry-after").orElse("").strip();
    if (value.isEmpty()) return null;
    if (value.chars().allMatch(Character::isDigit)) {
      try {
        return Duration.ofSeconds(Long.parseLong(value));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration wait = Duration.between(clock.instant(), at.toInstant());
      return wait.isNegative() ? Duration.ZERO : wait;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The body as JSON, or a missing node when it is none. */
  static JsonNode json(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? MissingNode.getInstance() : node;
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  /**
   * What a notification shows: the preview cut to {@code maxBytes} of UTF-8 at a character boundary
   * (ellipsis included), or "New message" when there is none.
   */
  static String shownText(String text, int maxBytes) {
    if (text == null) return NO_PREVIEW;
    if (text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) return text;
    int budget = maxBytes - ELLIPSIS.getBytes(StandardCharsets.UTF_8).length;
    int end = 0;
    int bytes = 0;
    while (end < text.length()) {
      int cp = text.codePointAt(end);
      int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > budget) break;
      bytes += size;
      end += Character.charCount(cp);
    }
    return text.substring(0, end) + ELLIPSIS;
  }
}
