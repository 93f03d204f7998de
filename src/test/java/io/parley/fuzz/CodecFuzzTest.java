package io.parley.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.Codec;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.testing.Integration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the wire codec, in process: {@link FuzzRun#FRAMES} generated and mutated frames
 * (each tree once as JSON, once as CBOR), and every server frame shape with random values. In
 * process, but 6 to 16 s of the unit layer's time: it runs with the integration tests.
 */
@Integration
class CodecFuzzTest {
  private static final ClientFrame.Limits LIMITS = FuzzRun.defaults().frameLimits();

  private final Codec json = Codec.json(LIMITS);
  private final Codec cbor = Codec.cbor(LIMITS);

  /**
   * Decoding never throws and gives exactly one of frame and error; a frame passes validation, has
   * the type it was sent with when it was sent unmutated, and survives a round trip through both
   * codecs unchanged; an error is a {@code bad_request} with a readable rid or none; an error
   * answering either can be encoded; JSON and CBOR agree on the same tree.
   */
  @Test
  void everyFrameDecodesToOneValidFrameOrOneBadRequest() {
    Generator generator = new Generator(FuzzRun.SEED, Shapes.Pools.offline(LIMITS.maxBodyBytes()));
    Findings findings = new Findings();
    Map<String, Integer> outcomes = new TreeMap<>();
    long started = System.nanoTime();
    // Each tree goes through both codecs: FRAMES frames in all.
    for (long i = 0; i < FuzzRun.FRAMES / 2; i++) {
      Generator.Sample asJson = generator.sample(i, Generator.Encoding.JSON);
      Generator.Sample asCbor = generator.sample(i, Generator.Encoding.CBOR);
      Codec.Decoded fromJson = check(json, cbor, asJson, findings, outcomes);
      Codec.Decoded fromCbor = check(cbor, json, asCbor, findings, outcomes);
      if (fromJson != null && fromCbor != null && sameTree(asJson) && sameTree(asCbor)) {
        boolean agree =
            fromJson.frame() == null
                ? fromCbor.frame() == null
                : Decodes.same(fromJson.frame(), fromCbor.frame());
        if (!agree)
          findings.add(
              "JSON and CBOR disagree", asJson, "json " + fromJson + " / cbor " + fromCbor, null);
      }
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        "codec fuzz: %,d frames (%,d trees as JSON and as CBOR) in %,d ms, %s; outcomes %s; known bugs left out: %s%n",
        FuzzRun.FRAMES / 2 * 2,
        FuzzRun.FRAMES / 2,
        ms,
        FuzzRun.seedNote(),
        outcomes,
        KnownBug.OPEN);
    assertTrue(findings.isEmpty(), () -> findings.report(FuzzRun.seedNote()));
  }

  /**
   * Every server frame shape, with random field values (well-formed strings of every kind, any
   * longs, nulls where a field is optional), encodes and reads back equal through both codecs.
   */
  @Test
  void everyServerFrameShapeEncodesAndDecodesBack() throws Exception {
    SplittableRandom r = new SplittableRandom(FuzzRun.SEED);
    List<Class<?>> shapes =
        Arrays.stream(ServerFrame.class.getAnnotation(JsonSubTypes.class).value())
            .<Class<?>>map(JsonSubTypes.Type::value)
            .toList();
    int rounds = Math.max(1, FuzzRun.FRAMES / 200);
    long started = System.nanoTime();
    for (int round = 0; round < rounds; round++) {
      for (Class<?> shape : shapes) {
        ServerFrame frame = ServerFrames.random(shape, r);
        for (Codec codec : new Codec[] {json, cbor}) {
          byte[] bytes = codec.encode(frame);
          ServerFrame back = codec.mapper().readValue(bytes, ServerFrame.class);
          assertEquals(frame, back, () -> FuzzRun.seedNote() + ": " + Texts.show(bytes, 400));
        }
      }
    }
    System.out.printf(
        "server frames: %,d of each of %d shapes through both codecs in %,d ms, %s%n",
        rounds, shapes.size(), (System.nanoTime() - started) / 1_000_000, FuzzRun.seedNote());
  }

  /** Checks one sample; returns the decode (null when it threw). */
  private Codec.Decoded check(
      Codec codec,
      Codec other,
      Generator.Sample s,
      Findings findings,
      Map<String, Integer> outcomes) {
    Checked checked = checked(codec, other, s.bytes(), s.index() % 8 == 0);
    String problem = checked.problem();
    if (problem != null) {
      findings.add(
          problem.substring(0, problem.indexOf(':')),
          s,
          problem,
          bytes -> checked(codec, other, bytes, true).problem());
    }
    Codec.Decoded d = checked.decoded();
    if (d == null || (d.frame() == null) == (d.error() == null)) return null;
    outcomes.merge(d.frame() != null ? Decodes.wireName(d.frame()) : "error", 1, Integer::sum);
    if (s.clean() && d.frame() == null) {
      findings.add("an unmutated frame is refused", s, d.error().message(), null);
    } else if (s.clean() && !Decodes.wireName(d.frame()).equals(s.tree().path("type").asText())) {
      findings.add("an unmutated frame changes type", s, String.valueOf(d.frame()), null);
    } else if (s.clean()
        && !String.valueOf(d.frame().rid()).equals(s.tree().path("rid").asText("null"))) {
      findings.add("an unmutated frame changes rid", s, String.valueOf(d.frame()), null);
    }
    String coerced = coerced(s, d);
    if (coerced != null && !KnownBug.open(KnownBug.LAX_COERCION))
      findings.add(coerced, s, String.valueOf(d.frame()), null);
    return d;
  }

  /**
   * docs/protocol.md: "a field of the wrong JSON type ... is bad_request". For a frame whose one
   * mutation gave a string field a number or boolean, or an integer field a string or a fraction:
   * what the codec made of it, when it accepted it (null when it refused).
   */
  private static String coerced(Generator.Sample s, Codec.Decoded d) {
    if (d.frame() == null) return null;
    List<String> mutations =
        s.mutations().stream()
            .filter(m -> !m.startsWith("json:") && !m.startsWith("cbor:"))
            .toList();
    if (mutations.size() != 1 || !mutations.get(0).startsWith("WRONG_TYPE:") || !sameTree(s))
      return null;
    String key = mutations.get(0).substring("WRONG_TYPE:".length());
    JsonNode value = s.tree().path(key);
    Class<?> type = Decodes.fieldType(s.tree().path("type").asText(), key);
    if (type == String.class && (value.isNumber() || value.isBoolean()))
      return "a number or boolean is taken for a string";
    boolean integer = type == Long.class || type == Integer.class;
    boolean fraction =
        value.isFloatingPointNumber() && value.doubleValue() != Math.rint(value.doubleValue());
    if (integer && (value.isTextual() || fraction))
      return "a string or a fraction is taken for an integer";
    return null;
  }

  /** A decode (null if it threw) and what is wrong with it (null if nothing). */
  record Checked(Codec.Decoded decoded, String problem) {}

  /** Decodes, and checks what every decode must have, whatever the bytes. */
  static Checked checked(Codec codec, Codec other, byte[] bytes, boolean twice) {
    Codec.Decoded d;
    try {
      d = codec.decode(bytes);
    } catch (Throwable t) {
      return new Checked(null, "decode threw: " + t);
    }
    return new Checked(d, problem(codec, other, bytes, d, twice));
  }

  /** Whether the bytes are a hello object whose token is missing, empty or not a string. */
  private static boolean tokenlessHello(Codec codec, byte[] bytes) {
    try {
      com.fasterxml.jackson.databind.JsonNode tree = codec.mapper().readTree(bytes);
      return tree != null
          && "hello".equals(tree.path("type").asText(null))
          && !ClientFrame.Hello.isToken(tree.get("token"));
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  private static String problem(
      Codec codec, Codec other, byte[] bytes, Codec.Decoded d, boolean twice) {
    if (d == null || (d.frame() == null) == (d.error() == null))
      return "not exactly one of frame and error: " + d;
    if (twice && !d.equals(codec.decode(bytes))) return "decode is not deterministic: " + d;
    if (d.error() != null) {
      ServerFrame.Error e = d.error();
      // A hello without a token is refused as a missing token is (docs/protocol.md).
      boolean tokenless =
          ErrorCode.UNAUTHORIZED.wire().equals(e.code()) && tokenlessHello(codec, bytes);
      if (!(ErrorCode.BAD_REQUEST.wire().equals(e.code()) || tokenless)
          || e.message() == null
          || e.message().isBlank()) {
        return "not a bad_request with a message: " + e;
      }
      if (e.rid() != null && e.rid().length() > ClientFrame.MAX_ID_CHARS)
        return "error carries an over-long rid: " + e;
      return encodes(codec, e);
    }
    ClientFrame f = d.frame();
    String invalid = f.validate(LIMITS);
    if (invalid != null) return "a decoded frame fails validation: " + invalid + " " + f;
    if (f.rid() != null && f.rid().length() > ClientFrame.MAX_ID_CHARS)
      return "frame carries an over-long rid: " + f;
    String answer = encodes(codec, ServerFrame.Error.of(f.rid(), ErrorCode.BAD_REQUEST, "refused"));
    if (answer != null) return answer;
    for (Codec through : new Codec[] {codec, other}) {
      if (!Decodes.wellFormed(f) && KnownBug.open(KnownBug.LONE_SURROGATE)) continue;
      try {
        byte[] again = through.mapper().writerFor(ClientFrame.class).writeValueAsBytes(f);
        Codec.Decoded back = through.decode(again);
        if (back.frame() == null || !Decodes.same(f, back.frame()))
          return "round trip changes the frame: " + f + " -> " + back;
      } catch (Exception e) {
        return "a decoded frame cannot be encoded again: " + f + " " + e;
      }
    }
    return null;
  }

  /** Null when the codec can write this frame (the server must be able to send its answers). */
  private static String encodes(Codec codec, ServerFrame frame) {
    if (!Decodes.wellFormed(frame) && KnownBug.open(KnownBug.LONE_SURROGATE)) return null;
    try {
      codec.encode(frame);
      return null;
    } catch (RuntimeException e) {
      return "an answer cannot be encoded: " + frame + " " + e;
    }
  }

  /**
   * True when the bytes still say exactly what the tree says (only valid encoding twists). Not for
   * negative integers below -2^64: Jackson reads a CBOR negative bignum (tag 3) as -n, not RFC
   * 8949's -1-n (and writes it the same way), so those differ from JSON by one.
   */
  private static boolean sameTree(Generator.Sample s) {
    // Raw surrogate bytes make JSON that is not UTF-8, refused whole; CBOR can only carry the
    // decoded surrogate, which is refused where a field is read and ignored in an unknown key.
    return s.mutations().stream()
            .noneMatch(m -> m.startsWith("bytes:") || m.equals("json:RAW_SURROGATES"))
        && s.mutations().stream()
            .filter(m -> m.startsWith("cbor:"))
            .allMatch(m -> CborBytes.Twist.VALID.contains(CborBytes.Twist.valueOf(m.substring(5))))
        && !hasNegativeBignum(s.tree());
  }

  private static boolean hasNegativeBignum(JsonNode node) {
    if (node.isBigInteger()
        && node.bigIntegerValue().bitLength() >= 64
        && node.bigIntegerValue().signum() < 0) return true;
    for (JsonNode child : node) if (hasNegativeBignum(child)) return true;
    return false;
  }

  /** What went wrong, by kind: the first sample of each kind, its bytes shrunk when possible. */
  static final class Findings {
    private final Map<String, String> first = new TreeMap<>();
    private final Map<String, Integer> counts = new TreeMap<>();

    void add(String kind, Generator.Sample s, String detail, Function<byte[], String> property) {
      if (counts.merge(kind, 1, Integer::sum) > 1) return;
      String shrunk =
          property == null
              ? ""
              : "\n    shrunk to: "
                  + Texts.show(Shrink.bytes(s.bytes(), b -> property.apply(b) != null), 400);
      first.put(kind, s.describe() + "\n    " + Texts.printable(detail) + shrunk);
    }

    boolean isEmpty() {
      return counts.isEmpty();
    }

    String report(String seed) {
      StringBuilder out = new StringBuilder("fuzz findings, " + seed + ":");
      first.forEach(
          (kind, example) ->
              out.append("\n  ")
                  .append(kind)
                  .append(" (")
                  .append(counts.get(kind))
                  .append("x), first: ")
                  .append(example));
      return out.toString();
    }
  }
}
