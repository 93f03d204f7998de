package io.parley.jmh;

import io.parley.moderation.ContentFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the content filter (parley.filter) costs per text body on the edge node's event loop: a
 * clean body checked against a word list alone (Aho-Corasick, reject), against the words and three
 * patterns (reject), and masked (words and patterns, a body with two matches). How to run:
 * docs/benchmarks.md, "JMH micro-benchmarks".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ContentFilterBenchmark {
  private static final List<String> PATTERNS =
      List.of("\\b\\d{3}[- ]?\\d{4}\\b", "https?://\\S+\\.ru\\b", "fr[e3]{2}\\s+m[o0]ney");

  /** Body length in chars: the load tool's default, and a long message. */
  @Param({"100", "2000"})
  public int bodyChars;

  /** Words and phrases in the list. */
  @Param({"100", "1000"})
  public int words;

  private ContentFilter wordsOnly;
  private ContentFilter wordsAndPatterns;
  private ContentFilter masking;
  private String clean;
  private String dirty;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    List<String> list = new ArrayList<>();
    for (int i = 0; i < words; i++) list.add(word(random, 4 + random.nextInt(6)));
    Map<String, ContentFilter.Action> reject = Map.of("group", ContentFilter.Action.REJECT);
    wordsOnly = new ContentFilter(list, List.of(), reject, "***");
    wordsAndPatterns = new ContentFilter(list, PATTERNS, reject, "***");
    masking = new ContentFilter(list, PATTERNS, Map.of("group", ContentFilter.Action.MASK), "***");
    StringBuilder text = new StringBuilder();
    while (text.length() < bodyChars) text.append(word(random, 2 + random.nextInt(8))).append(' ');
    clean = text.substring(0, bodyChars);
    dirty = list.get(0) + " " + clean.substring(0, bodyChars / 2) + " call 555-1234";
  }

  private static String word(Random random, int length) {
    StringBuilder w = new StringBuilder();
    // Text and words draw from the same letters, so the automaton walks real partial matches.
    for (int i = 0; i < length; i++) w.append((char) ('a' + random.nextInt(26)));
    return w.toString();
  }

  /**
   * The same three cases as a plain loop, reporting the best of 60 rounds of 200 calls: on a shared
   * machine the fastest round is the cost with the least time taken by other processes.
   */
  public static void main(String[] args) {
    for (int chars : new int[] {100, 2000, 16000}) {
      ContentFilterBenchmark b = new ContentFilterBenchmark();
      b.bodyChars = chars;
      b.words = 1000;
      b.setUp();
      System.out.printf(
          "%6d chars: words only %7.1f us, words + 3 patterns %7.1f us, mask %7.1f us%n",
          chars, best(b::wordsOnlyClean), best(b::wordsAndPatternsClean), best(b::maskTwoMatches));
    }
  }

  private static double best(java.util.function.Supplier<Object> call) {
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 60; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < 200; i++) call.get();
      best = Math.min(best, (System.nanoTime() - start) / 200);
    }
    return best / 1000.0;
  }

  @Benchmark
  public Object wordsOnlyClean() {
    return wordsOnly.check("group", clean);
  }

  @Benchmark
  public Object wordsAndPatternsClean() {
    return wordsAndPatterns.check("group", clean);
  }

  @Benchmark
  public Object maskTwoMatches() {
    return masking.check("group", dirty);
  }
}
