package io.parley.edge.session;

import io.parley.testing.Integration;
import io.parley.testing.OverTls;

/** {@link DirectMessagingTest} once more, against a node whose ports speak TLS. */
@Integration
@OverTls
class DirectMessagingOverTlsTest extends DirectMessagingTest {}
