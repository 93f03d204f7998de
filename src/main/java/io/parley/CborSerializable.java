package io.parley;

/**
 * Marker for every message and event that crosses a node boundary or enters the journal. Bound to
 * Pekko's jackson-cbor serializer in conf/application.conf.
 */
public interface CborSerializable {}
