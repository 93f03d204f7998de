package io.parley.edge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The counting behind the connection caps, without sockets. */
class ConnectionCapsTest {
  private static final Duration ANY = Duration.ofSeconds(1);

  private static ConnectionCaps caps(int node, int perIp, int perUser) {
    return new ConnectionCaps(new EdgeLimits(node, perIp, perUser, ANY, ANY, ANY));
  }

  @Test
  void anAddressIsCappedAndItsCountForgottenAtZero() throws Exception {
    ConnectionCaps caps = caps(100, 2, 1);
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("192.0.2.2");
    assertNull(caps.tryOpen(a));
    assertNull(caps.tryOpen(a));
    assertEquals(ConnectionCaps.Refusal.ADDRESS_FULL, caps.tryOpen(a));
    assertNull(caps.tryOpen(b), "another address has its own count");
    assertEquals(3, caps.open(), "a refused connection is not counted");
    caps.closed(a);
    assertNull(caps.tryOpen(a), "a slot is free again");
    caps.closed(a);
    caps.closed(a);
    caps.closed(b);
    assertEquals(0, caps.open());
    assertEquals(0, caps.addressesTracked(), "no entry is left for addresses without connections");
  }

  @Test
  void theNodeCapComesFirst() throws Exception {
    ConnectionCaps caps = caps(2, 10, 1);
    assertNull(caps.tryOpen(InetAddress.getByName("192.0.2.1")));
    assertNull(caps.tryOpen(InetAddress.getByName("192.0.2.2")));
    assertEquals(
        ConnectionCaps.Refusal.NODE_FULL, caps.tryOpen(InetAddress.getByName("192.0.2.3")));
    assertEquals(2, caps.open());
    assertEquals(2, caps.addressesTracked());
    assertTrue(caps.message(ConnectionCaps.Refusal.NODE_FULL).contains("retry in 1 s"));
  }

  @Test
  void refusalsWaitingForTheirHeadAreCapped() {
    ConnectionCaps caps = caps(100, 2, 1);
    assertTrue(caps.tryWaitToRefuse());
    assertTrue(caps.tryWaitToRefuse());
    assertFalse(caps.tryWaitToRefuse(), "a third is answered at once");
    caps.refusalDone();
    assertTrue(caps.tryWaitToRefuse());
  }

  @Test
  void anIpv6HostCountsByItsSlash64() throws Exception {
    ConnectionCaps caps = caps(100, 2, 1);
    assertNull(caps.tryOpen(InetAddress.getByName("2001:db8:1:2::1")));
    assertNull(caps.tryOpen(InetAddress.getByName("2001:db8:1:2::ffff:9")));
    assertEquals(
        ConnectionCaps.Refusal.ADDRESS_FULL,
        caps.tryOpen(InetAddress.getByName("2001:db8:1:2:abcd::1")));
    assertNull(
        caps.tryOpen(InetAddress.getByName("2001:db8:1:3::1")), "the next /64 is another host");
    caps.closed(InetAddress.getByName("2001:db8:1:2::ffff:9"));
    assertNull(caps.tryOpen(InetAddress.getByName("2001:db8:1:2::7")));
  }

  @Test
  void aUserIsCappedAndForgottenAtZero() {
    ConnectionCaps caps = caps(100, 100, 2);
    assertTrue(caps.tryOpenFor("ann"));
    assertTrue(caps.tryOpenFor("ann"));
    assertFalse(caps.tryOpenFor("ann"));
    assertTrue(caps.tryOpenFor("bob"));
    caps.closedFor("ann");
    assertTrue(caps.tryOpenFor("ann"));
    caps.closedFor("ann");
    caps.closedFor("ann");
    caps.closedFor("bob");
    assertEquals(0, caps.usersTracked());
  }

  @Test
  void concurrentOpensNeverExceedTheCap() throws Exception {
    ConnectionCaps caps = caps(1000, 50, 1);
    InetAddress a = InetAddress.getByName("192.0.2.1");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<java.util.concurrent.Future<Boolean>> tries = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      tries.add(
          pool.submit(
              () -> {
                go.await();
                return caps.tryOpen(a) == null;
              }));
    }
    go.countDown();
    int admitted = 0;
    for (var t : tries) if (t.get(10, TimeUnit.SECONDS)) admitted++;
    pool.shutdown();
    assertEquals(50, admitted);
    assertEquals(50, caps.open());
  }
}
