package io.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.NodeUnavailableException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.pattern.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;
import scala.concurrent.duration.FiniteDuration;

/**
 * A failed write stored nothing only when its failure says the write never reached a replica; every
 * other failure leaves its outcome unknown.
 */
class FailedWritesTest {
  private static Node node(String name) {
    return (Node)
        Proxy.newProxyInstance(
            Node.class.getClassLoader(),
            new Class<?>[] {Node.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "toString" -> name;
                  case "hashCode" -> name.hashCode();
                  case "equals" -> proxy == args[0];
                  default -> null;
                });
  }

  private static final Node A = node("a");
  private static final Node B = node("b");

  private static UnavailableException refusedUpFront(Node coordinator) {
    return new UnavailableException(coordinator, DefaultConsistencyLevel.QUORUM, 2, 1);
  }

  @Test
  void writesThatNeverReachedAReplicaStoredNothing() {
    assertTrue(
        FailedWrites.nothingStored(
            new CircuitBreakerOpenException(FiniteDuration.create(30, TimeUnit.SECONDS), "open")));
    assertTrue(FailedWrites.nothingStored(new NoNodeAvailableException()));
    assertTrue(FailedWrites.nothingStored(refusedUpFront(A)));
    assertTrue(
        FailedWrites.nothingStored(
            AllNodesFailedException.fromErrors(
                Map.of(A, new NodeUnavailableException(A), B, refusedUpFront(B)))));
    assertTrue(
        FailedWrites.nothingStored(new CompletionException(new NoNodeAvailableException())),
        "seen through a wrapper");
  }

  @Test
  void writesThatMayHaveReachedOneHaveAnUnknownOutcome() {
    assertFalse(FailedWrites.nothingStored(new DriverTimeoutException("timed out")));
    assertFalse(
        FailedWrites.nothingStored(
            new WriteTimeoutException(A, DefaultConsistencyLevel.QUORUM, 1, 2, WriteType.BATCH)));
    assertFalse(
        FailedWrites.nothingStored(
            AllNodesFailedException.fromErrors(
                List.of(
                    Map.entry(A, new NodeUnavailableException(A)),
                    Map.entry(B, new ClosedConnectionException("lost while writing"))))));
    assertFalse(FailedWrites.nothingStored(new RuntimeException("anything else")));
  }
}
