package io.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Client frames as JSON trees: a valid frame of every type (docs/protocol.md, docs/protocol.md),
 * then mutations of it. Trees hold two things JSON trees cannot: a {@link Deep} value (a nesting
 * the encoders write out iteratively, since a tree that deep would overflow any recursive writer)
 * and a key written twice (an entry whose key starts with {@link #DUPLICATE}).
 */
final class Shapes {
  static final ObjectMapper JSON = new ObjectMapper();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Prefix of a key that stands for a second copy of the key after it. */
  static final String DUPLICATE = "\u0000dup\u0000";

  /** A value nested {@code depth} levels deep: arrays ({@code [[[0]]]}) or objects. */
  record Deep(int depth, boolean objects) {}

  /** The ids a frame may name; {@code main} is the conversation whose timeline is checked. */
  record Pools(
      String self,
      String peer,
      String ghost,
      String main,
      String group,
      List<String> rooms,
      List<String> otherConvs,
      int maxBodyBytes) {
    static Pools offline(int maxBodyBytes) {
      return new Pools(
          "alice",
          "bob",
          "ghost",
          "d:alice:bob",
          "g:fuzzgroup",
          List.of("r:fuzz-a", "r:fuzz-b"),
          List.of(
              "d:alice:ghost",
              "d:bob:carol",
              "d:bob:alice",
              "d:alice:alice",
              "g:nosuchgroup",
              "x",
              "d:",
              "r:",
              "g:UPPER"),
          maxBodyBytes);
    }
  }

  enum Mutation {
    WRONG_TYPE,
    MISSING_FIELD,
    NULL_FIELD,
    INVALID_VALUE,
    HUGE_NUMBER,
    NEGATIVE_NUMBER,
    UNKNOWN_TYPE,
    DEEP_NESTING,
    LONG_STRING,
    LONE_SURROGATE,
    CONTROL_CHARS,
    NON_BMP,
    DUPLICATE_KEY,
    EXTRA_FIELD,
    BAD_RID,
    NOT_AN_OBJECT
  }

  // Type and weight: sends dominate, as in real traffic; operations that create entities are rare.
  private static final String[] TYPES = {
    "send",
    "ping",
    "history",
    "ack",
    "read",
    "typing",
    "create",
    "invite",
    "leave",
    "kick",
    "title",
    "role",
    "join",
    "friend_request",
    "friend_accept",
    "friend_remove",
    "block",
    "unblock",
    "contacts",
    "members",
    "hello"
  };
  private static final int[] WEIGHTS = {
    36, 8, 4, 6, 4, 4, 1, 2, 2, 2, 2, 2, 3, 1, 1, 1, 1, 1, 2, 2, 2
  };
  private static final int TOTAL_WEIGHT = java.util.Arrays.stream(WEIGHTS).sum();

  private final Pools pools;

  Shapes(Pools pools) {
    this.pools = pools;
  }

  String type(SplittableRandom r) {
    int pick = r.nextInt(TOTAL_WEIGHT);
    for (int i = 0; i < TYPES.length; i++) {
      pick -= WEIGHTS[i];
      if (pick < 0) return TYPES[i];
    }
    throw new AssertionError();
  }

  /** A frame of this type that the protocol accepts (rid "f" + index, cid "c" + index). */
  ObjectNode valid(String type, long index, SplittableRandom r) {
    ObjectNode f = NODES.objectNode().put("type", type);
    if (r.nextInt(10) != 0) f.put("rid", "f" + index);
    switch (type) {
      case "hello" -> {
        f.put("token", "eyJ" + Texts.word(r) + index);
        f.put("device", "dev-" + index);
        if (r.nextBoolean()) f.putObject("cursors").put(conv(r), r.nextLong(0, 1000));
      }
      case "send" -> send(f, index, r);
      case "ack", "read" -> f.put("conv", conv(r)).put("seq", r.nextLong(0, index / 4 + 3));
      case "history" -> {
        f.put("conv", conv(r));
        switch (r.nextInt(3)) {
          case 0 -> f.put("before", r.nextLong(0, index / 4 + 3));
          case 1 -> f.put("after", r.nextLong(0, index / 4 + 3));
          default -> {
            if (r.nextBoolean()) f.putNull("before");
          }
        }
        if (r.nextBoolean()) f.put("limit", 1 + r.nextInt(200));
      }
      case "typing" -> f.put("conv", conv(r));
      case "join" -> f.put("conv", r.nextInt(4) == 0 ? conv(r) : room(r));
      case "leave" ->
          f.put("conv", r.nextBoolean() ? room(r) : r.nextBoolean() ? pools.group : conv(r));
      case "create" -> {
        f.put("kind", "group").put("title", title(r));
        ArrayNode members = f.putArray("members");
        for (int i = r.nextInt(3); i > 0; i--)
          members.add(r.nextBoolean() ? pools.peer : pools.self);
      }
      case "invite" -> {
        f.put("conv", groupish(r));
        ArrayNode users = f.putArray("users");
        for (int i = 1 + r.nextInt(2); i > 0; i--) users.add(user(r));
      }
      case "kick" -> f.put("conv", groupish(r)).put("user", user(r));
      case "title" -> f.put("conv", groupish(r)).put("title", title(r));
      case "role" ->
          f.put("conv", groupish(r))
              .put("user", user(r))
              .put("role", r.nextBoolean() ? "admin" : "member");
      case "friend_request", "friend_accept", "friend_remove", "block", "unblock" ->
          f.put("user", user(r));
      case "members" -> {
        f.put("conv", r.nextBoolean() ? groupish(r) : conv(r));
        if (r.nextBoolean()) f.put("limit", 1 + r.nextInt(600));
      }
      case "ping", "contacts" -> {}
      default -> throw new IllegalArgumentException(type);
    }
    return f;
  }

  private void send(ObjectNode f, long index, SplittableRandom r) {
    f.put("conv", r.nextInt(10) < 8 ? pools.main : conv(r));
    f.put("cid", r.nextInt(8) == 0 ? padded("c" + index + "-", 64) : "c" + index);
    int pick = r.nextInt(12);
    if (pick == 0) {
      f.put("kind", "recall");
      f.putObject("body").put("seq", target(index, r));
      return;
    }
    if (pick == 1) {
      // Seq 1 is the peer's entry (FuzzSetup): editing it is forbidden.
      f.put("kind", "edit");
      f.putObject("body").put("seq", target(index, r)).put("text", text(index, r));
      return;
    }
    if (r.nextBoolean()) f.put("kind", "text");
    f.put("body", text(index, r));
  }

  /** A seq a recall or an edit names: mostly one stored already, sometimes one not yet. */
  private static long target(long index, SplittableRandom r) {
    return r.nextLong(1, index / 4 + 3);
  }

  /** A text body or an edit's new text. */
  private String text(long index, SplittableRandom r) {
    int limit = pools.maxBodyBytes;
    return switch (r.nextInt(20)) {
      case 0 -> "a".repeat(limit); // at the limit
      case 1 -> "a".repeat(limit + 1); // one byte over: too_large, nothing stored
      case 2 -> Texts.longText(r, 1 + r.nextInt(limit / 4));
      case 3, 4 -> Texts.control(r);
      case 5, 6, 7 -> Texts.unicode(r);
      default -> Texts.word(r) + " " + index;
    };
  }

  private String conv(SplittableRandom r) {
    int pick = r.nextInt(10);
    if (pick < 6) return pools.main;
    if (pick == 6) return pools.group;
    if (pick == 7) return room(r);
    return pools.otherConvs.get(r.nextInt(pools.otherConvs.size()));
  }

  private String groupish(SplittableRandom r) {
    return r.nextInt(4) == 0 ? conv(r) : pools.group;
  }

  private String room(SplittableRandom r) {
    return pools.rooms.get(r.nextInt(pools.rooms.size()));
  }

  private String user(SplittableRandom r) {
    int pick = r.nextInt(10);
    return pick < 6 ? pools.peer : pick < 8 ? pools.ghost : pools.self;
  }

  private static String title(SplittableRandom r) {
    return switch (r.nextInt(4)) {
      case 0 -> "t " + Texts.unicode(r); // never blank: U+2028 alone is whitespace
      case 1 -> padded("t", 128);
      default -> "team " + Texts.word(r) + "!";
    };
  }

  private static String padded(String s, int length) {
    return s.length() >= length ? s.substring(0, length) : s + "x".repeat(length - s.length());
  }

  /**
   * Applies one mutation and names it in {@code applied} (WRONG_TYPE with its key, e.g.
   * "WRONG_TYPE:conv"); returns the new root (the same object unless the root was replaced).
   */
  JsonNode mutate(ObjectNode f, Mutation m, long index, SplittableRandom r, List<String> applied) {
    String key = anyKey(f, r);
    applied.add(m == Mutation.WRONG_TYPE ? m.name() + ":" + key : m.name());
    switch (m) {
      case WRONG_TYPE -> f.set(key, otherType(f.get(key), r));
      case MISSING_FIELD -> f.remove(key);
      case NULL_FIELD -> f.putNull(key);
      case INVALID_VALUE -> invalidValue(f, index, r);
      case HUGE_NUMBER -> f.set(numericKey(f, r), huge(r));
      case NEGATIVE_NUMBER -> f.put(numericKey(f, r), r.nextBoolean() ? -1 : Long.MIN_VALUE);
      case UNKNOWN_TYPE ->
          f.put(
              "type",
              List.of(
                      "teleport",
                      "SEND",
                      "send ",
                      "",
                      "ping\u0000",
                      "msg",
                      "welcome",
                      Texts.word(r))
                  .get(r.nextInt(8)));
      case DEEP_NESTING ->
          f.set(
              r.nextBoolean() ? key : "deep",
              new POJONode(
                  new Deep(
                      List.of(100, 999, 1000, 1001, 10_000).get(r.nextInt(5)), r.nextInt(4) == 0)));
      case LONG_STRING ->
          f.put(
              stringKey(f, r),
              Texts.longText(
                  r, List.of(64, 65, 129, 1000, 16_384, 16_385, 30_000, 70_000).get(r.nextInt(8))));
      case LONE_SURROGATE -> spoil(f, r, Texts.loneSurrogate(r));
      case CONTROL_CHARS -> spoil(f, r, Texts.control(r));
      case NON_BMP -> spoil(f, r, "\ud83d\udca9");
      case DUPLICATE_KEY -> {
        JsonNode again =
            key.equals("type")
                ? TextNode.valueOf(type(r))
                : r.nextBoolean() ? otherType(f.get(key), r) : f.get(key);
        f.set(DUPLICATE + key, again);
      }
      case EXTRA_FIELD -> f.set(Texts.any(r, false) + "x", randomValue(r, 2));
      case BAD_RID -> f.set("rid", badRid(index, r));
      case NOT_AN_OBJECT -> {
        return switch (r.nextInt(5)) {
          case 0 -> NODES.arrayNode().add(f);
          case 1 -> TextNode.valueOf(f.toString());
          case 2 -> LongNode.valueOf(index);
          case 3 -> NullNode.getInstance();
          default -> NODES.arrayNode();
        };
      }
    }
    return f;
  }

  private void invalidValue(ObjectNode f, long index, SplittableRandom r) {
    switch (r.nextInt(10)) {
      case 0 ->
          f.put("user", List.of("AB", "ab", "x".repeat(33), "bad id", "émile").get(r.nextInt(5)));
      case 1 ->
          f.put("device", List.of("", "bad device!", "d".repeat(65), "dév").get(r.nextInt(4)));
      case 2 -> f.put("cid", r.nextBoolean() ? "" : "c" + index + "x".repeat(64));
      case 3 ->
          f.put("kind", List.of("image", "system", "TEXT", "", "edit", "EDIT").get(r.nextInt(6)));
      case 4 -> f.put("role", List.of("owner", "", "ADMIN").get(r.nextInt(3)));
      case 5 -> f.put("limit", List.of(0, 201, -5, Integer.MAX_VALUE).get(r.nextInt(4)));
      case 6 -> f.put("title", List.of("", "   ", "t".repeat(129)).get(r.nextInt(3)));
      case 7 -> f.putArray(r.nextBoolean() ? "users" : "members").add(r.nextBoolean() ? "BAD" : "");
      case 8 -> f.put("before", 5).put("after", 3);
      default -> f.set("body", invalidBody(r));
    }
  }

  /** A body no recall and no edit takes (and no text send: it is not a string). */
  private static JsonNode invalidBody(SplittableRandom r) {
    ObjectNode body = NODES.objectNode();
    return switch (r.nextInt(6)) {
      case 0 -> body.put("seq", r.nextBoolean() ? 0 : -3);
      case 1 -> body.put("seq", r.nextBoolean() ? 0 : -3).put("text", "x");
      case 2 -> body.put("seq", 1).put("text", ""); // an edit's text must not be empty
      case 3 -> body.put("seq", 1).put("text", 7);
      case 4 -> body.put("text", "no seq");
      default -> body.put("seq", 1.5).put("text", "x");
    };
  }

  private static String anyKey(ObjectNode f, SplittableRandom r) {
    List<String> keys = new ArrayList<>();
    f.fieldNames().forEachRemaining(keys::add);
    return keys.isEmpty() ? "type" : keys.get(r.nextInt(keys.size()));
  }

  private static String numericKey(ObjectNode f, SplittableRandom r) {
    for (String k : List.of("seq", "before", "after", "limit"))
      if (f.has(k) && r.nextInt(3) > 0) return k;
    if (f.has("cursors") && f.get("cursors").isObject() && r.nextBoolean()) return "cursors";
    return r.nextBoolean() ? "seq" : anyKey(f, r);
  }

  private static String stringKey(ObjectNode f, SplittableRandom r) {
    List<String> keys = new ArrayList<>();
    f.fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().isTextual()) keys.add(e.getKey());
            });
    return keys.isEmpty() ? "type" : keys.get(r.nextInt(keys.size()));
  }

  /** Adds {@code bad} to a string field, or to a key's name. */
  private static void spoil(ObjectNode f, SplittableRandom r, String bad) {
    if (r.nextInt(6) == 0) {
      f.put("k" + bad, 1);
      return;
    }
    String key = stringKey(f, r);
    String value = f.path(key).asText("");
    int at = value.isEmpty() ? 0 : r.nextInt(value.length() + 1);
    if (at > 0 && at < value.length() && Character.isLowSurrogate(value.charAt(at))) at--;
    f.put(key, value.substring(0, at) + bad + value.substring(at));
  }

  private static JsonNode huge(SplittableRandom r) {
    return switch (r.nextInt(8)) {
      case 0 -> LongNode.valueOf(Long.MAX_VALUE);
      case 1 -> LongNode.valueOf(Integer.MAX_VALUE + 1L);
      case 2 -> BigIntegerNode.valueOf(BigInteger.TWO.pow(64));
      case 3 -> BigIntegerNode.valueOf(BigInteger.TEN.pow(300).negate());
      case 4 -> DoubleNode.valueOf(1e308);
      case 5 -> DoubleNode.valueOf(Double.MIN_VALUE);
      case 6 -> DecimalNode.valueOf(new BigDecimal("1e400"));
      default -> DoubleNode.valueOf(2.5);
    };
  }

  private static JsonNode badRid(long index, SplittableRandom r) {
    return switch (r.nextInt(8)) {
      case 0 -> TextNode.valueOf(padded("f" + index + "-", 64)); // the longest allowed
      case 1 -> TextNode.valueOf(padded("f" + index + "-", 65)); // one too long
      case 2 -> LongNode.valueOf(index);
      case 3 -> BooleanNode.TRUE;
      case 4 -> NODES.objectNode().put("rid", "f" + index);
      case 5 -> TextNode.valueOf("");
      case 6 -> TextNode.valueOf("ŕ" + index + Texts.unicode(r));
      default -> TextNode.valueOf(Texts.control(r) + index);
    };
  }

  private static JsonNode otherType(JsonNode current, SplittableRandom r) {
    while (true) {
      JsonNode other = randomValue(r, 1);
      if (current == null || other.getNodeType() != current.getNodeType()) return other;
    }
  }

  static JsonNode randomValue(SplittableRandom r, int depth) {
    return switch (r.nextInt(depth > 0 ? 9 : 7)) {
      case 0 -> TextNode.valueOf(Texts.any(r, false));
      case 1 -> LongNode.valueOf(r.nextLong(-5, 100));
      case 2 -> DoubleNode.valueOf(r.nextInt(100) / 8.0);
      case 3 -> BooleanNode.valueOf(r.nextBoolean());
      case 4 -> NullNode.getInstance();
      case 5 -> huge(r);
      case 6 -> NODES.arrayNode();
      case 7 -> NODES.arrayNode().add(randomValue(r, depth - 1)).add(randomValue(r, depth - 1));
      default -> NODES.objectNode().set("seq", randomValue(r, depth - 1));
    };
  }
}
