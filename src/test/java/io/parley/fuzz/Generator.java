package io.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Fuzz frames, each a pure function of (seed, index): a valid frame of a random type, then (often)
 * mutations of its tree, an encoding with twists, and (sometimes) damage to the bytes. The same
 * index gives the same tree in both encodings, so JSON and CBOR can be compared.
 */
final class Generator {
  enum Encoding {
    JSON,
    CBOR
  }

  enum ByteDamage {
    TRUNCATE,
    FLIP,
    INVALID_UTF8,
    RANDOM,
    TRAILING,
    EMPTY,
    DOUBLED
  }

  /**
   * One fuzz frame. {@code clean}: no mutation and only valid encodings, so it must decode to a
   * frame of the tree's type. {@code retryOf}: the index of the send this one repeats (-1: none).
   */
  record Sample(
      long index,
      List<String> mutations,
      JsonNode tree,
      byte[] bytes,
      boolean clean,
      long retryOf) {
    String describe() {
      return "frame #" + index + " " + mutations + ": " + Texts.show(bytes, 400);
    }
  }

  private record Tree(JsonNode root, List<String> mutations, boolean clean, long retryOf) {}

  private static final Shapes.Mutation[] MUTATIONS = Shapes.Mutation.values();
  private static final byte[][] INVALID_UTF8 = {
    {(byte) 0xFF},
    {(byte) 0xFE},
    {(byte) 0xC0, (byte) 0x80},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
    {(byte) 0x80},
    {(byte) 0xC3},
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}
  };

  private final long seed;
  private final Shapes shapes;

  Generator(long seed, Shapes.Pools pools) {
    this.seed = seed;
    this.shapes = new Shapes(pools);
  }

  Sample sample(long index, Encoding encoding) {
    SplittableRandom base = random(index);
    Tree tree = tree(index, base.split());
    SplittableRandom jsonRandom = base.split();
    SplittableRandom cborRandom = base.split();
    List<String> mutations = new ArrayList<>(tree.mutations());
    boolean clean = tree.clean();
    byte[] bytes;
    if (encoding == Encoding.JSON) {
      SplittableRandom r = jsonRandom;
      Set<JsonBytes.Twist> twists = EnumSet.noneOf(JsonBytes.Twist.class);
      if (r.nextInt(100) < 15) twists.add(JsonBytes.Twist.WHITESPACE);
      if (r.nextInt(100) < 10) twists.add(JsonBytes.Twist.ESCAPE_ALL);
      if (r.nextInt(100) < 8) twists.add(JsonBytes.Twist.RAW_SURROGATES);
      twists.forEach(t -> mutations.add("json:" + t));
      bytes = damage(JsonBytes.write(tree.root(), twists, r), r, mutations, true);
    } else {
      SplittableRandom r = cborRandom;
      Set<CborBytes.Twist> twists = EnumSet.noneOf(CborBytes.Twist.class);
      int[] percent = {15, 10, 5, 4, 3, 4, 4, 3}; // in CborBytes.Twist order
      for (CborBytes.Twist t : CborBytes.Twist.values())
        if (r.nextInt(100) < percent[t.ordinal()]) twists.add(t);
      twists.forEach(t -> mutations.add("cbor:" + t));
      clean &= CborBytes.Twist.VALID.containsAll(twists);
      bytes = damage(CborBytes.write(tree.root(), twists, r), r, mutations, false);
    }
    clean &= mutations.stream().noneMatch(m -> m.startsWith("bytes:"));
    return new Sample(index, mutations, tree.root(), bytes, clean, tree.retryOf());
  }

  private SplittableRandom random(long index) {
    // SplitMix64's finalizer over (seed, index): neighbouring indexes get unrelated streams.
    long z = seed + index * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return new SplittableRandom(z ^ (z >>> 31));
  }

  private Tree tree(long index, SplittableRandom r) {
    if (index > 0 && r.nextInt(30) == 0) {
      long earlier = index - 1 - r.nextInt((int) Math.min(index, 200));
      Tree before = tree(earlier, random(earlier).split());
      if (before.clean() && before.root().path("type").asText().equals("send")) {
        ObjectNode again = ((ObjectNode) before.root()).deepCopy().put("rid", "f" + index);
        return new Tree(
            again,
            List.of("RETRY_OF_" + earlier),
            true,
            before.retryOf() >= 0 ? before.retryOf() : earlier);
      }
    }
    ObjectNode frame = shapes.valid(shapes.type(r), index, r);
    if (r.nextInt(100) < 45) return new Tree(frame, List.of(), true, -1);
    List<String> applied = new ArrayList<>();
    int count = r.nextInt(4) == 0 ? 2 + r.nextInt(2) : 1;
    JsonNode root = frame;
    for (int i = 0; i < count && root == frame; i++) {
      Shapes.Mutation m = MUTATIONS[r.nextInt(MUTATIONS.length)];
      root = shapes.mutate(frame, m, index, r, applied);
    }
    return new Tree(root, applied, false, -1);
  }

  private static byte[] damage(
      byte[] bytes, SplittableRandom r, List<String> mutations, boolean json) {
    if (r.nextInt(100) >= 12) return bytes;
    ByteDamage d = ByteDamage.values()[r.nextInt(ByteDamage.values().length)];
    mutations.add("bytes:" + d);
    return switch (d) {
      case TRUNCATE -> Arrays.copyOf(bytes, bytes.length == 0 ? 0 : r.nextInt(bytes.length));
      case FLIP -> {
        byte[] out = bytes.clone();
        for (int i = 1 + r.nextInt(4); i > 0 && out.length > 0; i--)
          out[r.nextInt(out.length)] ^= (byte) (1 + r.nextInt(255));
        yield out;
      }
      case INVALID_UTF8 -> {
        int at = json ? insideString(bytes, r) : r.nextInt(bytes.length + 1);
        byte[] bad = INVALID_UTF8[r.nextInt(INVALID_UTF8.length)];
        byte[] out = new byte[bytes.length + bad.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(bytes, at, out, at + bad.length, bytes.length - at);
        yield out;
      }
      case RANDOM -> {
        byte[] out = new byte[r.nextInt(64)];
        for (int i = 0; i < out.length; i++) out[i] = (byte) r.nextInt(256);
        yield out;
      }
      case TRAILING -> {
        byte[] out = Arrays.copyOf(bytes, bytes.length + 3);
        out[bytes.length] = 'x';
        out[bytes.length + 1] = (byte) 0xFF;
        out[bytes.length + 2] = '}';
        yield out;
      }
      case EMPTY -> new byte[0];
      case DOUBLED -> {
        byte[] out = Arrays.copyOf(bytes, bytes.length * 2);
        System.arraycopy(bytes, 0, out, bytes.length, bytes.length);
        yield out;
      }
    };
  }

  /** A position just after an opening quote, so that the bad bytes land inside a string. */
  private static int insideString(byte[] bytes, SplittableRandom r) {
    List<Integer> quotes = new ArrayList<>();
    for (int i = 0; i < bytes.length; i++) if (bytes[i] == '"') quotes.add(i + 1);
    return quotes.isEmpty() ? r.nextInt(bytes.length + 1) : quotes.get(r.nextInt(quotes.size()));
  }
}
