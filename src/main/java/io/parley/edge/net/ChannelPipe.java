package io.parley.edge.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.util.ByteString;

/**
 * One socket's bytes between its Netty channel (the event loop's thread) and its stream (an actor's
 * thread). Both directions are lock-free queues with a wake-up that is sent only when the other
 * side may be asleep, so a burst of reads is one hand-off to the stream, and a burst of writes one
 * task on the event loop and one flush.
 *
 * <p>Reading is never re-armed per frame: the channel reads while fewer than {@code
 * maxBufferedBytes} wait for the stream, and stops (back-pressure to the client's TCP window) above
 * it.
 */
final class ChannelPipe extends ChannelInboundHandlerAdapter {
  final Channel channel;
  private final int maxBufferedBytes;

  // Inbound: read on the event loop, taken by the stream's source.
  private final ConcurrentLinkedQueue<ByteString> reads = new ConcurrentLinkedQueue<>();
  private final AtomicLong readBytes = new AtomicLong();
  private final AtomicBoolean readWakePending = new AtomicBoolean();
  volatile Consumer<Void> readWake;
  // Set once, before the last read is woken for: null, a normal end, or the failure.
  volatile Throwable readEnd;
  static final Throwable EOF = new java.io.EOFException("the client closed the socket");

  // Outbound: offered by the stream's sink, written on the event loop.
  private final ConcurrentLinkedQueue<ByteString> writes = new ConcurrentLinkedQueue<>();
  private final AtomicLong writeBytes = new AtomicLong();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicBoolean writeWaiting = new AtomicBoolean();
  volatile Consumer<Void> writeWake;
  private final Runnable drain = this::drain;

  // The stream takes no more bytes: what still arrives is read and dropped, so that closing the
  // socket later sends a FIN, not the RST that unread bytes would cause (and that can destroy the
  // last response on its way to the client).
  private volatile boolean discarding;
  private final long lingerNanos;

  ChannelPipe(Channel channel, int maxBufferedBytes, java.time.Duration linger) {
    this.channel = channel;
    this.maxBufferedBytes = maxBufferedBytes;
    this.lingerNanos = linger.toNanos();
  }

  // ---- inbound, on the event loop

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      if (discarding) return;
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      reads.add(ByteString.fromArrayUnsafe(bytes));
      if (readBytes.addAndGet(bytes.length) > maxBufferedBytes) channel.config().setAutoRead(false);
    } finally {
      buf.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    wakeReader();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    endReads(EOF);
    // Not gated on a waiting writer: the sink must learn the socket is gone even while idle.
    writeWaiting.set(false);
    Consumer<Void> wake = writeWake;
    if (wake != null) wake.accept(null);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    endReads(cause);
    abort();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (channel.isWritable()) wakeWriter();
  }

  private void endReads(Throwable why) {
    if (readEnd == null) readEnd = why;
    wakeReader();
  }

  private void wakeReader() {
    Consumer<Void> wake = readWake;
    if (wake != null && readWakePending.compareAndSet(false, true)) wake.accept(null);
  }

  // ---- inbound, on the stream's thread

  /** The next bytes read, or null; call {@link #readWoken} first when woken. */
  ByteString takeRead() {
    ByteString bytes = reads.poll();
    if (bytes != null
        && readBytes.addAndGet(-bytes.size()) <= maxBufferedBytes / 2
        && !channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
    return bytes;
  }

  void readWoken() {
    readWakePending.set(false);
  }

  /** The stream wants no more bytes: those that still arrive are read and dropped. */
  void discardReads() {
    discarding = true;
    onLoop(
        () -> {
          reads.clear();
          channel.config().setAutoRead(true);
        });
  }

  // ---- outbound, on the stream's thread

  /** Whether the stream may hand over more bytes: less than the channel's bound waits. */
  boolean writable() {
    return writeBytes.get() < maxBufferedBytes && channel.isWritable();
  }

  void write(ByteString bytes) {
    writes.add(bytes);
    writeBytes.addAndGet(bytes.size());
    if (drainScheduled.compareAndSet(false, true)) onLoop(drain);
  }

  /** Marks the writer as waiting; true if it should not wait after all (a wake-up may be lost). */
  boolean waitForRoom() {
    writeWaiting.set(true);
    if (writable() || !channel.isActive()) {
      writeWaiting.set(false);
      return false;
    }
    return true;
  }

  /**
   * After what was written: a clean close. The FIN goes out first and the socket is closed when the
   * client closes its side, or after the linger time; meanwhile what the client still sends is
   * dropped (a lingering close: closing at once with bytes unread would reset the connection).
   */
  void closeAfterWrites() {
    onLoop(
        () -> {
          drain();
          discarding = true;
          ChannelFuture flushed = channel.writeAndFlush(Unpooled.EMPTY_BUFFER);
          SslHandler tls = channel.pipeline().get(SslHandler.class);
          if (tls == null) {
            shutdownOutputAfter(flushed);
            return;
          }
          // Over TLS a close_notify follows the last bytes: without it the client cannot tell a
          // complete answer from one cut off. Only once they are out: closing the engine while
          // bytes wait for the handshake to finish would drop them (a refusal written at once on
          // accept, say). A handshake that fails or times out fails the write.
          flushed.addListener(
              written -> {
                if (written.isSuccess()) shutdownOutputAfter(tls.closeOutbound());
                else channel.close();
              });
        });
  }

  private void shutdownOutputAfter(ChannelFuture flushed) {
    flushed.addListener(
        written -> {
          if (!written.isSuccess() || !(channel instanceof DuplexChannel duplex)) {
            channel.close();
            return;
          }
          duplex.shutdownOutput();
          channel.config().setAutoRead(true);
          channel.eventLoop().schedule(() -> channel.close(), lingerNanos, TimeUnit.NANOSECONDS);
        });
  }

  /** At once, dropping what waits: a reset (RST), as for a stream that failed. */
  void abort() {
    onLoop(
        () -> {
          if (channel.isOpen()) {
            // Over TLS, without the close_notify that closing through the handler would write
            // first (and wait up to 3 s to flush): a reset must not look like a clean end.
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls != null) channel.pipeline().remove(tls);
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
          }
        });
  }

  /** Runs on the channel's loop; once the loops have stopped, the socket is closed already. */
  private void onLoop(Runnable task) {
    try {
      channel.eventLoop().execute(task);
    } catch (RejectedExecutionException loopsStopped) {
      // nothing left to do for this socket
    }
  }

  // ---- outbound, on the event loop

  private void drain() {
    drainScheduled.set(false);
    long taken = 0;
    for (ByteString bytes = writes.poll(); bytes != null; bytes = writes.poll()) {
      taken += bytes.size();
      channel.write(Unpooled.wrappedBuffer(bytes.asByteBuffer()), channel.voidPromise());
    }
    if (taken == 0) return;
    channel.flush();
    writeBytes.addAndGet(-taken);
    if (writable()) wakeWriter();
  }

  private void wakeWriter() {
    Consumer<Void> wake = writeWake;
    if (wake != null && writeWaiting.compareAndSet(true, false)) wake.accept(null);
  }
}
