package io.parley.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that needs more than the JVM it runs in: Cassandra, a node, child processes, real sockets
 * or a browser. Failsafe runs these in {@code mvn verify}; surefire's {@code mvn test} leaves them
 * out, so the unit layer stays fast and needs no Cassandra.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("integration")
public @interface Integration {}
