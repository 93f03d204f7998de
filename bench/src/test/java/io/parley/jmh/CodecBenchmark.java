package io.parley.jmh;

import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.Codec;
import io.parley.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The wire codec on the hot path of every message: decoding a client's {@code send} frame and
 * encoding the {@code msg} frame pushed to each recipient, in JSON and in CBOR. A 100-byte text
 * body, as in the load tool's default. How to run: docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
  private static final ClientFrame.Limits LIMITS = new ClientFrame.Limits(200, 16384, 4096);
  private static final String BODY = "x".repeat(100);

  private Codec json;
  private Codec cbor;
  private byte[] sendJson;
  private byte[] sendCbor;
  private ServerFrame.Msg msg;

  @Setup
  public void setUp() throws Exception {
    json = Codec.json(LIMITS);
    cbor = Codec.cbor(LIMITS);
    String send =
        "{\"type\":\"send\",\"rid\":\"s1.12345\",\"conv\":\"d:bk3x9z1a-1:bk3x9z1a-2\",\"cid\":\"s1.12345\","
            + "\"body\":\""
            + BODY
            + "\"}";
    sendJson = send.getBytes(StandardCharsets.UTF_8);
    sendCbor = cbor.mapper().writeValueAsBytes(json.mapper().readTree(sendJson));
    msg =
        new ServerFrame.Msg(
            "d:bk3x9z1a-1:bk3x9z1a-2",
            123456,
            "bk3x9z1a-1",
            "s1.12345",
            "text",
            TextNode.valueOf(BODY),
            1_764_000_000_000L);
  }

  @Benchmark
  public Codec.Decoded decodeSendJson() {
    return json.decode(sendJson);
  }

  @Benchmark
  public Codec.Decoded decodeSendCbor() {
    return cbor.decode(sendCbor);
  }

  @Benchmark
  public byte[] encodeMsgJson() {
    return json.encode(msg);
  }

  @Benchmark
  public byte[] encodeMsgCbor() {
    return cbor.encode(msg);
  }
}
