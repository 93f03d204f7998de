package io.parley.push;

/**
 * Anything a device session (an edge connection actor) accepts. Core only ever sends it {@link
 * Push}es, through an {@code ActorRef<Push>} narrowed from the session's own ref, so the ref stays
 * an ordinary, location-transparent actor ref.
 */
public interface SessionMessage {}
