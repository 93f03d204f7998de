package io.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.edge.session.SessionSettings;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.Codec;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Fuzzes one live session: a signed-in user on one transport sends generated frames, pipelined
 * ({@link #WINDOW} at most await replies), into a direct conversation with a second user (and a
 * group, rooms, and ids that are not theirs or not ids). The in-process codec is the oracle: every
 * frame it reads a rid from must get exactly one reply that fits what it decoded to. A frame no
 * transport allows must close the connection with a protocol error; the fuzz then reconnects
 * (sometimes after junk before hello) and goes on. Afterwards the connection answers a ping, and
 * the conversation's stored timeline holds exactly the sends answered {@code sent}, as they were
 * sent ({@link StoredTimeline}).
 */
final class LiveFuzz {
  // Requests awaiting their replies at once (pipelined); 1 sends one at a time, which pins a
  // finding to one frame.
  private static final int WINDOW = Integer.getInteger("parley.fuzz.window", 256);
  private static final int FLUSH_EVERY = 16;
  private static final int RECENT = 20;
  // Frames that must close the connection: how rare they are (each costs a reconnect).
  private static final int VIOLATION_ONE_IN = 500;
  // Tries of a send still unanswered or unavailable; and how often they are made: well within
  // the conversation's dedup window (1,000 cids), beyond which a retry may store a second entry.
  private static final int RETRIES = 3;
  private static final int RESOLVE_EVERY = 500;
  private static final long REPLY_TIMEOUT_MS = 20_000;
  // For KnownBug.TCP_REPLY_OVER_64K: room for a history page's own fields, and a seq as long
  // as any a run reaches.
  private static final int TCP_PAGE_ENVELOPE = 1024;
  private static final long LARGE_SEQ = 9_999_999L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FuzzSetup setup;
  private final FuzzSocket.Transport transport;
  private final long seed;
  private final int frames;
  private final SessionSettings settings;
  private final Codec oracle;
  private final Generator generator;
  private final Ledger ledger;
  private final Map<String, StoredTimeline.Candidate> candidates = new LinkedHashMap<>();
  private final Map<String, Integer> skipped = new TreeMap<>();
  // Sends reported as never answered definitively: not retried again.
  private final Set<String> given = new HashSet<>();
  // The frames written since the connection last had nothing outstanding, for reports.
  private final ArrayDeque<String> recent = new ArrayDeque<>();
  private int unflushed;
  private FuzzSocket socket;
  private int connection;
  private int controls;

  LiveFuzz(
      FuzzSetup setup,
      FuzzSocket.Transport transport,
      long seed,
      int frames,
      SessionSettings settings) {
    this.setup = setup;
    this.transport = transport;
    this.seed = seed;
    this.frames = frames;
    this.settings = settings;
    this.oracle =
        transport.cbor() ? Codec.cbor(settings.frameLimits()) : Codec.json(settings.frameLimits());
    this.generator = new Generator(seed, setup.pools());
    this.ledger = new Ledger(setup.pools().main());
  }

  /** Runs the fuzz and the checks after it; returns the findings (empty: all held). */
  List<String> run() throws Exception {
    long started = System.nanoTime();
    connect(false);
    long index = 0;
    int written = 0;
    while (written < frames && ledger.findings().size() < 10) {
      if (step(index++) && ++written % RESOLVE_EVERY == 0) {
        drain();
        resolveUncertainSends();
      }
    }
    drain();
    resolveUncertainSends();
    long fuzzMs = (System.nanoTime() - started) / 1_000_000;
    finalPing();
    socket.close();
    StoredTimeline.check(setup, ledger, candidates);
    System.out.printf(
        "live fuzz %s: %,d frames (%,d generated) in %,d ms over %d connections, %s%n  skipped %s%n  counts %s%n  slowest reply (ms) %s%n",
        transport,
        written,
        index,
        fuzzMs,
        connection,
        FuzzRun.seedNote(),
        skipped,
        ledger.counts(),
        ledger.slowest());
    return ledger.findings();
  }

  /** Writes generated frame {@code index}, or a frame of the transport's own; false if skipped. */
  private boolean step(long index) throws Exception {
    SplittableRandom r = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
    if (r.nextInt(VIOLATION_ONE_IN) == 0) {
      transportViolation(index, r);
      return true;
    }
    Generator.Sample s =
        generator.sample(
            index, transport.cbor() ? Generator.Encoding.CBOR : Generator.Encoding.JSON);
    String what = s.describe();
    byte[] bytes = s.bytes();
    if (bytes.length > settings.maxFrameBytes()) {
      // Skipped unread and answered too_large on every transport, with its rid when its first
      // bytes hold one (docs/protocol.md, "Body size").
      byte[] head = Arrays.copyOf(bytes, Math.min(bytes.length, settings.oversizeRidScanBytes()));
      String rid = oracle.tooLarge(head, settings.maxFrameBytes()).error().rid();
      if (rid != null) {
        if (!ledger.claim(rid)) {
          skipped.merge("rid used before", 1, Integer::sum);
          return false;
        }
        ledger.expect(new Ledger.Expect(rid, what, null, ErrorCode.TOO_LARGE.wire(), connection));
      }
      write(bytes, r);
      return true;
    }
    Codec.Decoded d = oracle.decode(bytes);
    String skip = skipReason(d);
    if (skip != null) {
      skipped.merge(skip, 1, Integer::sum);
      return false;
    }
    String rid = d.frame() != null ? d.frame().rid() : d.error().rid();
    if (rid != null && !ledger.claim(rid)) {
      skipped.merge("rid used before", 1, Integer::sum);
      return false;
    }
    if (d.frame() instanceof ClientFrame.Send send && send.conv().equals(setup.pools().main())) {
      StoredTimeline.Candidate c =
          new StoredTimeline.Candidate(send.cid(), send.kindOrText(), send.body());
      StoredTimeline.Candidate before = candidates.putIfAbsent(c.cid(), c);
      if (before != null
          && !(before.kind().equals(c.kind()) && Decodes.same(before.body(), c.body()))) {
        skipped.merge("cid used before for another send", 1, Integer::sum);
        return false;
      }
    }
    if (rid != null) {
      ledger.expect(
          new Ledger.Expect(
              rid, what, d.frame(), d.error() == null ? null : d.error().code(), connection));
    }
    write(bytes, r);
    return true;
  }

  /** Why the fuzz must not send this frame while a known bug is open; null: send it. */
  private String skipReason(Codec.Decoded d) {
    if (KnownBug.open(KnownBug.LONE_SURROGATE)
        && !(Decodes.wellFormed(d.frame()) && Decodes.wellFormed(d.error()))) {
      return KnownBug.LONE_SURROGATE.name();
    }
    if (KnownBug.open(KnownBug.TYPING_WITH_RID_UNANSWERED)
        && d.frame() instanceof ClientFrame.Typing t
        && t.rid() != null) {
      return KnownBug.TYPING_WITH_RID_UNANSWERED.name();
    }
    if (KnownBug.open(KnownBug.TCP_REPLY_OVER_64K)
        && transport == FuzzSocket.Transport.TCP
        && !fitsTcp(d)) {
      return KnownBug.TCP_REPLY_OVER_64K.name();
    }
    return null;
  }

  /**
   * True when the frame's error fits one TCP frame, and a send's entry fits a full history page.
   */
  private boolean fitsTcp(Codec.Decoded d) {
    int frameBudget = settings.maxFrameBytes() - TCP_PAGE_ENVELOPE;
    if (d.error() != null) return oracle.encode(d.error()).length <= frameBudget;
    if (!(d.frame() instanceof ClientFrame.Send s)) return true;
    ServerFrame.Msg entry =
        new ServerFrame.Msg(
            s.conv(),
            LARGE_SEQ,
            setup.self(),
            s.cid(),
            s.kindOrText(),
            s.body(),
            System.currentTimeMillis());
    return oracle.encode(entry).length <= frameBudget / settings.historyMaxLimit();
  }

  private void write(byte[] bytes, SplittableRandom r) throws Exception {
    try {
      socket.send(bytes, r);
    } catch (IOException e) {
      // The server closed the connection; settle() sees the close and says which frames were lost.
    }
    recent.add(Texts.show(bytes, 200));
    if (recent.size() > RECENT) recent.removeFirst();
    if (++unflushed >= FLUSH_EVERY) flush();
    if (ledger.waiting(connection) >= WINDOW) settle(WINDOW / 2);
  }

  private void flush() {
    unflushed = 0;
    try {
      socket.flush();
    } catch (IOException e) {
      // closed: seen by the next wait
    }
  }

  /** Waits for every outstanding reply. */
  private void drain() throws Exception {
    settle(0);
  }

  /**
   * Waits until at most {@code limit} requests await replies. A close meanwhile is a finding (this
   * connection was not expected to close; the fuzz reconnects); so is a request left unanswered for
   * {@link #REPLY_TIMEOUT_MS}.
   */
  private void settle(int limit) throws Exception {
    flush();
    while (true) {
      boolean below = ledger.awaitAtMost(connection, limit, REPLY_TIMEOUT_MS);
      Integer code = ledger.closeCode(connection);
      if (code != null) {
        List<Ledger.Expect> lost = ledger.abandon(connection);
        ledger.finding(
            "connection "
                + connection
                + " closed (code "
                + code
                + "); unanswered: "
                + lost.stream().map(Ledger.Expect::what).limit(5).toList()
                + "; the last frames written: "
                + recent);
        recent.clear();
        connect(true);
        return;
      }
      if (below) {
        if (limit == 0) recent.clear();
        return;
      }
      for (Ledger.Expect e : ledger.abandonOlderThan(connection, REPLY_TIMEOUT_MS)) {
        ledger.finding("no reply within " + REPLY_TIMEOUT_MS + " ms to " + e.what());
      }
    }
  }

  private interface Write {
    void run() throws IOException;
  }

  /**
   * A frame that may end the connection, sent alone and followed by a ping: with {@code mustClose}
   * the connection must close with one of {@code codes}; otherwise it must answer.
   */
  private void isolated(String what, Set<Integer> codes, boolean mustClose, Write write)
      throws Exception {
    drain();
    String probe = "probe-" + ++controls;
    ledger.claim(probe);
    ledger.expect(
        new Ledger.Expect(
            probe, "ping after " + what, new ClientFrame.Ping(probe), null, connection));
    try {
      write.run();
      socket.send(encode(ping(probe)), new SplittableRandom(0));
      flush();
    } catch (IOException e) {
      // closed: seen below
    }
    boolean answered = ledger.await(connection, () -> ledger.answered(probe), REPLY_TIMEOUT_MS);
    Integer code = ledger.closeCode(connection);
    ledger.count("isolated:" + (code == null ? "open" : "closed " + code));
    if (code == null && !answered) ledger.finding("no answer to a ping after " + what);
    if (code == null && mustClose) ledger.finding("the connection stayed open after " + what);
    if (code != null && !codes.contains(code))
      ledger.finding("closed with " + code + " (expected " + codes + ") after " + what);
    if (code != null) {
      ledger.abandon(connection);
      connect(true);
    }
  }

  /** Frames no client may send: each must close the connection with a protocol error. */
  private void transportViolation(long index, SplittableRandom r) throws Exception {
    byte[] ping = encode(ping("ignored-" + index));
    if (transport == FuzzSocket.Transport.TCP) {
      // A length of 2^31 or more (negative as a signed int); one merely over the frame limit is
      // skipped and answered too_large (step).
      int length = -1 - r.nextInt(1000);
      isolated(
          "tcp length prefix " + length,
          Set.of(0, -1),
          true,
          () -> {
            socket.writeInt(length);
            socket.sendRaw(ping);
          });
      return;
    }
    int data = transport.cbor() ? 2 : 1;
    switch (r.nextInt(8)) {
      case 0 ->
          isolated(
              "unmasked frame", Set.of(1002), true, () -> socket.wsFrame(true, data, ping, false));
      case 1 ->
          isolated(
              "reserved bit",
              Set.of(1002),
              true,
              () -> socket.wsFrame(0x80 | 0x40 | data, ping, true));
      case 2 -> isolated("opcode 3", Set.of(1002), true, () -> socket.wsFrame(true, 3, ping, true));
      case 3 ->
          isolated(
              "continuation without a message",
              Set.of(1002),
              true,
              () -> socket.wsFrame(true, 0, ping, true));
      case 4 ->
          isolated(
              "126-byte ping",
              Set.of(1002),
              true,
              () -> socket.wsFrame(true, 9, new byte[126], true));
      case 5 ->
          isolated(
              "fragmented ping",
              Set.of(1002),
              true,
              () -> socket.wsFrame(false, 9, new byte[3], true));
      case 6 ->
          isolated(
              "new message inside a fragmented one",
              Set.of(1002),
              true,
              () -> {
                socket.wsFrame(false, data, new byte[] {'{'}, true);
                socket.wsFrame(true, data, ping, true);
              });
      default -> {
        int code = List.of(1000, 4000, 1005, 999).get(r.nextInt(4));
        int echo = code == 1000 || code == 4000 ? code : 1002;
        isolated(
            "client close " + code,
            Set.of(echo),
            true,
            () -> socket.wsFrame(true, 8, new byte[] {(byte) (code >>> 8), (byte) code}, true));
      }
    }
  }

  /**
   * Opens a connection and says hello (cursor: the highest seq answered so far). With {@code junk},
   * sometimes first sends malformed frames (each must get bad_request and leave the connection
   * open) or a well-formed frame that is not hello (unauthorized, then a close).
   */
  private void connect(boolean junk) throws Exception {
    if (socket != null) socket.close();
    connection++;
    var address =
        transport == FuzzSocket.Transport.TCP
            ? setup.node().tcpAddress()
            : setup.node().httpAddress();
    socket = new FuzzSocket(address, transport, ledger.listener(connection), seed + connection);
    SplittableRandom r = new SplittableRandom(seed * 31 + connection);
    int pick = junk ? r.nextInt(20) : 19;
    if (pick == 0) {
      ObjectNode early =
          r.nextBoolean()
              ? ping("ignored-early-" + connection)
              : ((ObjectNode)
                  JSON.createObjectNode()
                      .put("type", "hello")
                      .put("token", "not-a-token")
                      .put("device", "d"));
      socket.send(encode(early), r);
      socket.flush();
      ledger.await(connection, () -> false, REPLY_TIMEOUT_MS); // returns when it closes
      Integer code = ledger.closeCode(connection);
      Set<Integer> expected = transport == FuzzSocket.Transport.TCP ? Set.of(0, -1) : Set.of(4401);
      ledger.count("early " + early.path("type").asText() + ": closed " + code);
      if (code == null || !expected.contains(code))
        ledger.finding(
            "a " + early + " before hello: expected close " + expected + ", got " + code);
      connect(false);
      return;
    }
    if (pick < 5) preHelloJunk(r);
    socket.send(encode(hello()), r);
    socket.flush();
    if (!ledger.await(connection, () -> ledger.synced(connection), REPLY_TIMEOUT_MS)) {
      throw new AssertionError(
          "no welcome and synced on connection "
              + connection
              + " ("
              + FuzzRun.seedNote()
              + "); findings "
              + ledger.findings());
    }
  }

  private void preHelloJunk(SplittableRandom r) throws Exception {
    int errors = 0;
    for (int i = 0; i < 1 + r.nextInt(2); i++) {
      long index = Long.MAX_VALUE / 2 + connection * 8L + i; // outside the fuzz run's own indexes
      Generator.Sample s =
          generator.sample(
              index, transport.cbor() ? Generator.Encoding.CBOR : Generator.Encoding.JSON);
      if (s.bytes().length > settings.maxFrameBytes()) continue;
      Codec.Decoded d = oracle.decode(s.bytes());
      // A hello without a token is refused unauthorized and closes the socket, as a bad token.
      if (d.error() == null || skipReason(d) != null || isUnauthorized(d)) continue;
      if (d.error().rid() != null) {
        if (!ledger.claim(d.error().rid())) continue;
        ledger.expect(
            new Ledger.Expect(
                d.error().rid(),
                "before hello: " + s.describe(),
                null,
                ErrorCode.BAD_REQUEST.wire(),
                connection));
      } else {
        errors++;
      }
      socket.send(s.bytes(), r);
    }
    socket.flush();
    int expected = errors;
    int conn = connection;
    if (!ledger.await(conn, () -> ledger.unattributedErrors(conn) >= expected, REPLY_TIMEOUT_MS)
        || !ledger.awaitAtMost(conn, 0, REPLY_TIMEOUT_MS)
        || ledger.closeCode(conn) != null) {
      ledger.finding(
          "malformed frames before hello were not each answered bad_request on an open connection (connection "
              + conn
              + ")");
    }
  }

  private static boolean isUnauthorized(Codec.Decoded d) {
    return ErrorCode.UNAUTHORIZED.wire().equals(d.error().code());
  }

  private ObjectNode hello() {
    ObjectNode hello =
        JSON.createObjectNode()
            .put("type", "hello")
            .put("token", setup.token())
            .put("device", "fuzz-" + transport.name().toLowerCase());
    hello.putObject("cursors").put(setup.pools().main(), ledger.highestSeq());
    return hello;
  }

  private static ObjectNode ping(String rid) {
    return JSON.createObjectNode().put("type", "ping").put("rid", rid);
  }

  /**
   * The fuzz's own writers, plain: unlike Jackson's they write any string (retries hold what was
   * sent).
   */
  private byte[] encode(JsonNode frame) {
    SplittableRandom unused = new SplittableRandom(0);
    return transport.cbor()
        ? CborBytes.write(frame, Set.of(), unused)
        : JsonBytes.write(frame, Set.of(), unused);
  }

  /** The connection still answers. */
  private void finalPing() throws Exception {
    String rid = "final-" + ++controls;
    ledger.claim(rid);
    ledger.expect(
        new Ledger.Expect(rid, "the last ping", new ClientFrame.Ping(rid), null, connection));
    socket.send(encode(ping(rid)), new SplittableRandom(0));
    drain();
    if (!ledger.answered(rid))
      ledger.finding("the connection did not answer a ping after the fuzz");
  }

  /**
   * A send whose outcome this connection never learned (no rid, or {@code unavailable}, or its
   * connection closed) is retried with the same cid, as docs/protocol.md tells clients to: a stored
   * one answers its original seq, one never stored is stored now or refused again. One still {@code
   * unavailable} after {@link #RETRIES} tries is a finding: the server cannot take it. Runs every
   * {@link #RESOLVE_EVERY} frames, so that a retry comes within the dedup window.
   */
  private void resolveUncertainSends() throws Exception {
    List<StoredTimeline.Candidate> uncertain = uncertainSends();
    for (int round = 0; round < RETRIES && !uncertain.isEmpty(); round++) {
      long before = ledger.highestSeq();
      for (StoredTimeline.Candidate c : uncertain) {
        String rid = "retry-" + ++controls;
        ObjectNode send =
            JSON.createObjectNode()
                .put("type", "send")
                .put("rid", rid)
                .put("conv", setup.pools().main())
                .put("cid", c.cid());
        if (!c.kind().equals("text")) send.put("kind", c.kind());
        send.set("body", c.body());
        byte[] bytes = encode(send);
        if (bytes.length > settings.maxFrameBytes()) {
          // Its body is over max-body-bytes by far, so the first try was refused too_large: the
          // timeline check below shows it was not stored.
          ledger.count("not retried: over the frame limit");
          continue;
        }
        ClientFrame retry = oracle.decode(bytes).frame();
        if (retry == null) {
          ledger.finding("a valid send is invalid when sent again: " + send);
          continue;
        }
        ledger.claim(rid);
        ledger.expect(
            new Ledger.Expect(
                rid, "retry of " + Texts.printable(c.cid()), retry, null, connection));
        socket.send(bytes, new SplittableRandom(0));
        ledger.count("retried sends");
        if (ledger.waiting(connection) >= WINDOW) settle(WINDOW / 2);
      }
      drain();
      // How each retry came out: stored before it (the first try's answer was lost or said
      // unavailable), stored by it, or refused.
      Map<String, Long> sent = ledger.sentSeq();
      for (StoredTimeline.Candidate c : uncertain) {
        Long seq = sent.get(c.cid());
        ledger.count(
            seq == null
                ? "retry refused: " + ledger.refusal(c.cid())
                : seq <= before ? "retry found it stored" : "retry stored it");
      }
      uncertain = uncertainSends().stream().filter(c -> ledger.refusal(c.cid()) != null).toList();
    }
    for (StoredTimeline.Candidate c : uncertain) {
      given.add(c.cid());
      ledger.finding(
          "a valid send still "
              + ledger.refusal(c.cid())
              + " after "
              + RETRIES
              + " retries: cid "
              + c.cid()
              + ", kind "
              + c.kind()
              + ", body "
              + Texts.printable(String.valueOf(c.body())));
    }
  }

  /** Valid sends with neither a {@code sent} nor a refusal that says they were not stored. */
  private List<StoredTimeline.Candidate> uncertainSends() {
    Map<String, Long> sent = ledger.sentSeq();
    return candidates.values().stream()
        .filter(c -> !sent.containsKey(c.cid()) && !given.contains(c.cid()))
        .filter(
            c ->
                ledger.refusal(c.cid()) == null
                    || Set.of("unavailable", "internal").contains(ledger.refusal(c.cid())))
        .toList();
  }
}
