package io.parley.edge;

import io.parley.protocol.Codec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * A WebSocket upgraded later on a kept-alive connection (rare: browsers and client libraries open a
 * fresh connection per socket, and {@link HttpListener} gives those to Parley's own framing). Pekko
 * HTTP's public API hands such a socket over as messages, with its own framing, so here each
 * message becomes one inbound frame and each outbound frame one message; the session is the same.
 * Differences from the first-request path, all in Pekko's framing: WebSocket pings are answered
 * without reaching the session (clients keep it alive with protocol pings, as they do anyway), a
 * message over {@code parley.limits.max-frame-bytes} ends the socket instead of being answered
 * {@code too_large}, and the session's close ends it with a normal close code.
 */
final class LateUpgrade {
  private final ActorSystem<?> system;
  private final SessionDeps deps;
  private final Materializer materializer;

  LateUpgrade(ActorSystem<?> system, SessionDeps deps) {
    this.system = system;
    this.deps = deps;
    this.materializer = Materializer.matFromSystem(system);
  }

  /** The socket as messages: {@code binary} for CBOR, else JSON in text messages. */
  Flow<Message, Message, NotUsed> flow(
      boolean binary, Codec codec, Function<SessionFlow.RawFrame, Codec.Decoded> decoder) {
    int max = deps.settings().maxFrameBytes();
    Outbox outbox = new Outbox();
    Flow<SessionFlow.RawFrame, ByteString, NotUsed> session =
        SessionFlow.create(system, deps, codec, binary ? "ws-cbor" : "ws", outbox, decoder);
    return Flow.<Message>create()
        .mapAsync(1, message -> frame(message, max))
        .via(session)
        .map(
            bytes -> {
              outbox.written(bytes.size());
              return binary
                  ? (Message) BinaryMessage.create(bytes)
                  : TextMessage.create(bytes.utf8String());
            });
  }

  /** One message's bytes, read to at most max (a longer one fails the socket). */
  private CompletionStage<SessionFlow.RawFrame> frame(Message message, int max) {
    if (message.isText()) {
      TextMessage text = message.asTextMessage();
      if (text.isStrict()) return completed(text.getStrictText().getBytes(StandardCharsets.UTF_8));
      return text.getStreamedText()
          .map(part -> ByteString.fromString(part, StandardCharsets.UTF_8))
          .limitWeighted(max, part -> (long) part.size())
          .runWith(
              Sink.<ByteString, ByteString>fold(
                  ByteString.emptyByteString(), (all, part) -> all.concat(part)),
              materializer)
          .thenApply(all -> new SessionFlow.RawFrame(all.toArray()));
    }
    BinaryMessage binary = message.asBinaryMessage();
    if (binary.isStrict()) return completed(binary.getStrictData().toArray());
    return binary
        .getStreamedData()
        .limitWeighted(max, part -> (long) part.size())
        .runWith(
            Sink.<ByteString, ByteString>fold(
                ByteString.emptyByteString(), (all, part) -> all.concat(part)),
            materializer)
        .thenApply(all -> new SessionFlow.RawFrame(all.toArray()));
  }

  private static CompletionStage<SessionFlow.RawFrame> completed(byte[] bytes) {
    return CompletableFuture.completedFuture(new SessionFlow.RawFrame(bytes));
  }
}
