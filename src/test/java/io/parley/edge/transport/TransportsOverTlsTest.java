package io.parley.edge.transport;

import io.parley.testing.Integration;
import io.parley.testing.OverTls;

/** {@link TransportsTest} once more, against a node whose ports speak TLS. */
@Integration
@OverTls
class TransportsOverTlsTest extends TransportsTest {}
