package io.parley.notifications;

import com.typesafe.config.ConfigFactory;
import io.parley.node.ParleyConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The queue as the node builds it: its retries waiting on Pekko's scheduler (here Pekko's
 * ManualTime, which moves only when the test says) and its sends started on the actor system's
 * dispatcher.
 */
class PushQueueSchedulerTest {
  private static final ActorTestKit KIT =
      ActorTestKit.create(
          ManualTime.config()
              .withFallback(
                  ConfigFactory.parseMap(
                      Map.of(
                          "pekko.actor.provider", "local",
                          "pekko.coordinated-shutdown.exit-jvm", "off",
                          "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off")))
              .withFallback(ConfigFactory.load()));
  private static final ManualTime TIME = ManualTime.get(KIT.system());

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void aRetryWaitsOnPekkosSchedulerForTheRetryAfter() {
    TestProbe<CompletableFuture<Outcome>> sends = KIT.createTestProbe();
    PushProvider fcm =
        new PushProvider() {
          @Override
          public Provider kind() {
            return Provider.FCM;
          }

          @Override
          public CompletionStage<Outcome> send(Notification n) {
            CompletableFuture<Outcome> answer = new CompletableFuture<>();
            sends.ref().tell(answer);
            return answer;
          }
        };
    PushQueue queue =
        new PushQueue(
            Map.of(Provider.FCM, fcm),
            (u, d, t) -> {},
            KIT.system().scheduler(),
            KIT.system().executionContext(),
            PushQueueSettings.from(ParleyConfig.load(ConfigFactory.empty())));
    queue.offer(PushQueueTest.push(Provider.FCM, "fay", 1));
    sends.receiveMessage().complete(new Outcome.Retry(Duration.ofSeconds(7), "503"));
    TIME.timePasses(Duration.ofMillis(6_900));
    // A retry the scheduler ran early would reach the probe within this (the dispatcher starts it
    // at once); the right code sends nothing, however long this waits.
    sends.expectNoMessage(Duration.ofMillis(300));
    TIME.timePasses(Duration.ofMillis(100));
    sends.receiveMessage().complete(new Outcome.Sent());
  }
}
