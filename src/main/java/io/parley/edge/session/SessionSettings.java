package io.parley.edge.session;

import com.typesafe.config.Config;
import io.parley.edge.requests.PageFit;
import io.parley.edge.requests.RequestDeps;
import io.parley.edge.requests.SendDeadline;
import io.parley.protocol.ClientFrame;
import java.time.Duration;

/**
 * Edge settings from {@code parley.session}, {@code parley.limits}, {@code parley.ask-timeout}, the
 * sends' deadline and wait ({@link SendDeadline}), the group size the edge checks before it asks
 * each invitee ({@code parley.conversation}) and the push registrations' limits ({@code
 * parley.push}: a token's size, the devices per user that refusals name).
 */
public record SessionSettings(
    Duration helloTimeout,
    Duration heartbeat,
    Duration refresh,
    Duration reattachSpread,
    Duration syncPatience,
    Duration syncBackoffMin,
    Duration syncBackoffMax,
    Duration ackFlush,
    int outboundBuffer,
    int outboundBufferBytes,
    int catchUpMax,
    int syncParallelism,
    Duration titleTimeout,
    int maxHistoryInFlight,
    int maxFrameBytes,
    int oversizeRidScanBytes,
    int maxBodyBytes,
    int maxSendsInFlight,
    int maxHistoryReadsInFlight,
    int historyDefaultLimit,
    int historyMaxLimit,
    int maxPageBytes,
    Duration askTimeout,
    SendDeadline sendDeadline,
    int maxGroupSize,
    int maxPendingRequests,
    int maxPushTokenBytes,
    int maxPushDevices,
    int membersMaxLimit) {

  public static SessionSettings from(Config config) {
    Config s = config.getConfig("parley.session");
    Config l = config.getConfig("parley.limits");
    SessionSettings settings =
        new SessionSettings(
            s.getDuration("hello-timeout"),
            s.getDuration("heartbeat"),
            s.getDuration("refresh"),
            s.getDuration("reattach-spread"),
            s.getDuration("sync-patience"),
            s.getDuration("sync-backoff-min"),
            s.getDuration("sync-backoff-max"),
            s.getDuration("ack-flush"),
            s.getInt("outbound-buffer"),
            Math.toIntExact(s.getBytes("outbound-buffer-bytes")),
            s.getInt("catch-up-max"),
            s.getInt("sync-parallelism"),
            s.getDuration("title-timeout"),
            s.getInt("max-history-in-flight"),
            l.getInt("max-frame-bytes"),
            l.getInt("oversize-rid-scan-bytes"),
            l.getInt("max-body-bytes"),
            l.getInt("max-sends-in-flight"),
            l.getInt("max-history-reads-in-flight"),
            l.getInt("history-default-limit"),
            l.getInt("history-max-limit"),
            Math.toIntExact(l.getBytes("max-page-bytes")),
            config.getDuration("parley.ask-timeout"),
            SendDeadline.from(config),
            config.getInt("parley.conversation.max-group-size"),
            config.getInt("parley.user.max-pending-requests"),
            config.getInt("parley.push.max-token-bytes"),
            config.getInt("parley.push.max-devices-per-user"),
            l.getInt("members-max-limit"));
    if (settings.oversizeRidScanBytes() < 0
        || settings.oversizeRidScanBytes() > settings.maxFrameBytes())
      throw new IllegalArgumentException(
          "parley.limits.oversize-rid-scan-bytes must be between 0 and max-frame-bytes ("
              + settings.maxFrameBytes()
              + "), not "
              + settings.oversizeRidScanBytes()
              + ": it is what one oversized frame makes the node hold, per socket");
    String problem =
        PageFit.problem(
            settings.maxPageBytes(), settings.maxBodyBytes(), settings.outboundBufferBytes());
    if (problem != null)
      throw new IllegalArgumentException(problem + ": a legal reply could not be sent");
    return settings;
  }

  public ClientFrame.Limits frameLimits() {
    return new ClientFrame.Limits(historyMaxLimit, maxBodyBytes, maxPushTokenBytes);
  }

  /** What the edge's requests apply, of these. */
  public RequestDeps.Settings requests() {
    return new RequestDeps.Settings(
        askTimeout,
        titleTimeout,
        sendDeadline,
        historyDefaultLimit,
        maxPageBytes,
        syncParallelism,
        maxGroupSize,
        maxPendingRequests,
        membersMaxLimit);
  }
}
