package io.parley.edge.requests;

import io.parley.notifications.Provider;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.user.PushDevices;
import io.parley.user.PushProtocol;
import io.parley.user.UserEntity;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Push registrations over the socket ({@code push_register}, {@code push_unregister}) and REST
 * ({@code /api/v1/me/devices}): the frame's fields were checked by its codec ({@link
 * ClientFrame.PushRegister#validate}); the provider is checked here, against the ones the node
 * knows; the user entity stores, and refuses a new device beyond {@code
 * parley.push.max-devices-per-user}.
 */
public final class Devices {
  private static final String PROVIDERS =
      Arrays.stream(Provider.values()).map(Provider::wire).collect(Collectors.joining(", "));

  private final RequestDeps deps;
  private final int maxDevices;

  public Devices(RequestDeps deps, int maxDevices) {
    this.deps = deps;
    this.maxDevices = maxDevices;
  }

  /**
   * {@code device}: the session's own device, for a frame that names none (REST names one always);
   * {@code tokenId}: the login token of the request (logging it out removes the registration).
   */
  public CompletionStage<ServerFrame> handle(
      String user, String device, String tokenId, ClientFrame.PushOp op) {
    String target = op.device() != null ? op.device() : device;
    if (op instanceof ClientFrame.PushUnregister u) {
      return Unanswered.answered(
          u,
          user(user)
              .<Done>ask(
                  r -> new PushProtocol.UnregisterPushDevice(target, r),
                  deps.settings().askTimeout())
              .thenApply(done -> new ServerFrame.Ok(u.rid())));
    }
    ClientFrame.PushRegister f = (ClientFrame.PushRegister) op;
    Optional<Provider> provider = Provider.parse(f.provider());
    if (provider.isEmpty()) {
      return done(
          ServerFrame.Error.of(
              f.rid(), ErrorCode.BAD_REQUEST, "provider must be one of " + PROVIDERS));
    }
    boolean preview = Boolean.TRUE.equals(f.preview());
    return Unanswered.answered(
        f,
        user(user)
            .<PushDevices.Registered>ask(
                r ->
                    new PushProtocol.RegisterPushDevice(
                        target, provider.get(), f.token(), preview, tokenId, r),
                deps.settings().askTimeout())
            .thenApply(
                reply ->
                    reply == PushDevices.Registered.DONE
                        ? new ServerFrame.Ok(f.rid())
                        : ServerFrame.Error.of(
                            f.rid(),
                            ErrorCode.FORBIDDEN,
                            "a user has at most "
                                + maxDevices
                                + " push devices; remove one first (push_unregister, or DELETE"
                                + " /api/v1/me/devices/{device})")));
  }

  /** The user's registrations, without their tokens. */
  public CompletionStage<PushDevices.View> list(String user) {
    return user(user).ask(PushProtocol.GetPushDevices::new, deps.settings().askTimeout());
  }

  private EntityRef<UserEntity.Command> user(String id) {
    return deps.sharding().entityRefFor(UserEntity.ENTITY_KEY, id);
  }

  private static CompletionStage<ServerFrame> done(ServerFrame frame) {
    return CompletableFuture.completedFuture(frame);
  }
}
