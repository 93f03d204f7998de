package io.parley.edge;

import io.parley.protocol.Codec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * WebSocket framing: subprotocol {@code parley.v1.json} (text frames, the default) or
 * {@code parley.v1.cbor} (binary frames). Messages are read with a size cap; an oversized one is
 * drained and dropped without being held in memory.
 */
public final class WebSocketTransport {
  public static final String JSON = "parley.v1.json";
  public static final String CBOR = "parley.v1.cbor";

  private final ActorSystem<?> system;
  private final SessionDeps deps;
  private final Codec json;
  private final Codec cbor;

  public WebSocketTransport(ActorSystem<?> system, SessionDeps deps) {
    this.system = system;
    this.deps = deps;
    this.json = Codec.json(deps.settings().frameLimits());
    this.cbor = Codec.cbor(deps.settings().frameLimits());
  }

  /** The subprotocol to answer with, from those the client offered (null: none offered). */
  public static String choose(Iterable<String> offeredProtocols) {
    List<String> offered = new java.util.ArrayList<>();
    offeredProtocols.forEach(offered::add);
    if (offered.contains(CBOR) && !offered.contains(JSON)) return CBOR;
    if (offered.contains(JSON)) return JSON;
    return offered.contains(CBOR) ? CBOR : null;
  }

  public Flow<Message, Message, NotUsed> flow(String subprotocol) {
    boolean binary = CBOR.equals(subprotocol);
    Materializer mat = Materializer.matFromSystem(system);
    int max = deps.settings().maxFrameBytes();
    return Flow.of(Message.class)
        .mapAsync(1, m -> read(m, max, mat))
        .via(SessionFlow.create(system, deps, binary ? cbor : json, binary ? "ws-cbor" : "ws"))
        .map(
            bytes ->
                binary
                    ? BinaryMessage.create(ByteString.fromArrayUnsafe(bytes))
                    : (Message) TextMessage.create(new String(bytes, StandardCharsets.UTF_8)));
  }

  private static CompletionStage<SessionFlow.RawFrame> read(Message m, int max, Materializer mat) {
    if (m.isText()) {
      TextMessage text = m.asTextMessage();
      if (text.isStrict()) return capped(text.getStrictText().getBytes(StandardCharsets.UTF_8), max);
      return text.getStreamedText()
          .map(s -> ByteString.fromString(s, StandardCharsets.UTF_8))
          .runFold(new Capped(max), Capped::add, mat)
          .thenApply(Capped::frame);
    }
    BinaryMessage bin = m.asBinaryMessage();
    if (bin.isStrict()) return capped(bin.getStrictData().toArrayUnsafe(), max);
    return bin.getStreamedData().runFold(new Capped(max), Capped::add, mat).thenApply(Capped::frame);
  }

  private static CompletionStage<SessionFlow.RawFrame> capped(byte[] bytes, int max) {
    return CompletableFuture.completedFuture(
        bytes.length > max ? SessionFlow.RawFrame.TOO_LARGE : new SessionFlow.RawFrame(bytes));
  }

  /** Accumulates a streamed message until it passes the cap, then only counts. */
  private static final class Capped {
    private final int max;
    private ByteString data = ByteString.emptyByteString();
    private boolean tooLarge;

    Capped(int max) {
      this.max = max;
    }

    Capped add(ByteString chunk) {
      if (!tooLarge && data.size() + chunk.size() > max) {
        tooLarge = true;
        data = ByteString.emptyByteString();
      }
      if (!tooLarge) data = data.concat(chunk);
      return this;
    }

    SessionFlow.RawFrame frame() {
      return tooLarge ? SessionFlow.RawFrame.TOO_LARGE : new SessionFlow.RawFrame(data.toArray());
    }
  }
}
