package io.parley.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * In a test class marked with it, {@link TestNodes} hands out the shared TLS node (both ports over
 * TLS, {@link TestTls#shared()}'s keystore) instead of the shared plaintext one: a subclass so
 * marked runs its parent's socket tests once more over TLS.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
public @interface OverTls {}
