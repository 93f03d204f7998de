package io.parley.conversation;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.NodeUnavailableException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.util.List;
import org.apache.pekko.pattern.CircuitBreakerOpenException;

/**
 * What a failed journal write left behind, as far as its failure tells. A write that never left the
 * node (the journal's circuit breaker was open; the driver had a connection to no Cassandra node)
 * or that its coordinator refused before writing (too few replicas alive) stored nothing. Any other
 * failure (a timeout, a connection lost while the write was on it) may have stored it: only a later
 * read can tell, so its posts' outcome is unknown.
 */
final class FailedWrites {
  private FailedWrites() {}

  static boolean nothingStored(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CircuitBreakerOpenException || t instanceof UnavailableException) {
        return true;
      }
      // Every node the driver tried had no connection, or refused up front; none: no node at all.
      if (t instanceof AllNodesFailedException all) {
        return all.getAllErrors().values().stream()
            .flatMap(List::stream)
            .allMatch(
                e -> e instanceof NodeUnavailableException || e instanceof UnavailableException);
      }
    }
    return false;
  }
}
