package io.parley.jmh;

import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import io.parley.atrest.AtRest;
import io.parley.atrest.Sealed;
import io.parley.conversation.Timeline;
import io.parley.testing.TestKeys;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What encryption at rest adds per message: a text event as the journal plugin serializes it, plain
 * (as before) and sealed (serialized, encrypted, the envelope serialized), and the way back (what a
 * replay or a history read does per event). The difference is the cost per message on the core node
 * that writes it and on whatever reads it. How to run: docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AtRestBenchmark {
  private static final String PID = "Conversation|d:bk3x9z1a-1:bk3x9z1a-2";

  /** Body length in chars: the load tool's default, and a long message. */
  @Param({"100", "2000"})
  public int bodyChars;

  private ActorTestKit testKit;
  private Serialization serialization;
  private AtRest atRest;
  private Timeline.Posted event;
  private Stored plain;
  private Stored sealed;

  private record Stored(int id, String manifest, byte[] bytes) {}

  @Setup
  public void setUp() {
    testKit =
        ActorTestKit.create(
            ConfigFactory.parseMap(
                    Map.of(
                        "pekko.actor.provider", "local",
                        "pekko.coordinated-shutdown.exit-jvm", "off",
                        "pekko.loglevel", "WARNING",
                        "parley.at-rest.keys-file", TestKeys.file()))
                .withFallback(ConfigFactory.load()));
    serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    atRest = AtRest.get(testKit.system());
    event =
        new Timeline.Posted(
            "bk3x9z1a-1", "s1.12345", TextNode.valueOf("x".repeat(bodyChars)), 1_764_000_000_000L);
    plain = store(event);
    sealed = store(atRest.seal(event, AtRest.Use.EVENT, PID));
  }

  @TearDown
  public void tearDown() {
    testKit.shutdownTestKit();
  }

  private Stored store(Object value) {
    Serializer serializer = serialization.findSerializerFor(value);
    return new Stored(
        serializer.identifier(),
        Serializers.manifestFor(serializer, value),
        serializer.toBinary(value));
  }

  @Benchmark
  public byte[] writePlain() {
    return serialization.findSerializerFor(event).toBinary(event);
  }

  @Benchmark
  public byte[] writeSealed() {
    Object stored = atRest.seal(event, AtRest.Use.EVENT, PID);
    return serialization.findSerializerFor(stored).toBinary(stored);
  }

  @Benchmark
  public Object readPlain() {
    return serialization.deserialize(plain.bytes(), plain.id(), plain.manifest()).get();
  }

  @Benchmark
  public Object readSealed() {
    Sealed stored =
        (Sealed) serialization.deserialize(sealed.bytes(), sealed.id(), sealed.manifest()).get();
    return atRest.open(stored, AtRest.Use.EVENT, PID);
  }
}
