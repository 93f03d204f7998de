package io.parley.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.notifications.NotificationSink;
import io.parley.notifications.Provider;
import io.parley.push.Push;
import io.parley.testing.EntityTestCluster;
import io.parley.testing.Ids;
import io.parley.user.PushProtocol.PushDeviceRegistered;
import io.parley.user.PushProtocol.PushDeviceRemoved;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The user entity's push devices, on the in-memory journal with serialization checks. */
class PushEntityTest {
  private static final int MAX_DEVICES = 10;
  private static ActorTestKit testKit;
  private static ClusterSharding sharding;

  @BeforeAll
  static void start() {
    testKit = EntityTestCluster.start();
    sharding = ClusterSharding.get(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Kit kit(String name) {
    String user = Ids.user(name);
    var kit =
        EventSourcedBehaviorTestKit.<UserEntity.Command, UserEntity.Event, UserEntity.State>create(
            testKit.system(),
            UserEntity.create(
                user,
                100,
                sharding,
                new io.parley.conversation.UserNotices(sharding),
                NotificationSink.DISABLED),
            EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.<UserEntity.RegisterReply>runCommand(r -> new UserEntity.Register("hash", user, r));
    return new Kit(kit);
  }

  @Test
  void registrationsReplaceKeepTheLimitAndAreListedWithoutTokens() {
    Kit kim = kit("kim");
    for (int i = 1; i <= MAX_DEVICES; i++) kim.register("d" + i, false, "t");
    var over =
        kim.kit.<PushDevices.Registered>runCommand(
            r ->
                new PushProtocol.RegisterPushDevice(
                    "d11", Provider.FCM, "token-d11", false, "t", r));
    assertEquals(PushDevices.Registered.TOO_MANY, over.reply());
    assertTrue(over.hasNoEvents());
    var replaced =
        kim.kit.<PushDevices.Registered>runCommand(
            r ->
                new PushProtocol.RegisterPushDevice(
                    "d3", Provider.WEBHOOK, "new-token", true, "t", r));
    assertEquals(PushDevices.Registered.DONE, replaced.reply(), "an existing device re-registers");
    var repeated = kim.register("d4", false, "t");
    assertTrue(repeated.hasNoEvents(), "the same registration again stores nothing");

    var view = kim.kit.<PushDevices.View>runCommand(PushProtocol.GetPushDevices::new).reply();
    assertEquals(MAX_DEVICES, view.devices().size());
    PushDevices.Listed d3 =
        view.devices().stream().filter(d -> d.device().equals("d3")).findFirst().orElseThrow();
    assertEquals("webhook", d3.provider());
    assertTrue(d3.preview());

    // The same token under a new device id (the app reinstalled) moves there.
    kim.kit.<PushDevices.Registered>runCommand(
        r ->
            new PushProtocol.RegisterPushDevice(
                "d12", Provider.WEBHOOK, "new-token", true, "t", r));
    assertTrue(kim.kit.getState().push().devices().containsKey("d12"));
    assertTrue(!kim.kit.getState().push().devices().containsKey("d3"));
  }

  @Test
  void logoutRemovesTheDevicesOfThatToken() {
    Kit lea = kit("lea");
    lea.register("phone", false, "t-phone");
    lea.register("tablet", false, "t-tablet");
    lea.register("laptop", false, "t-old");
    lea.register("watch", false, "t-watch");
    TestProbe<Push> laptop = testKit.createTestProbe(Push.class);
    lea.kit.runCommand(new UserEntity.Attach("laptop", "t-laptop", laptop.ref()));
    long expiry = System.currentTimeMillis() + 60_000;

    // Registered with the token.
    var phone = lea.kit.<Done>runCommand(r -> new UserEntity.RevokeToken("t-phone", expiry, r));
    assertEquals(List.of(new PushDeviceRemoved("phone")), phone.events().subList(1, 2));
    // Its session authenticated with the token (it registered under an older one).
    var live = lea.kit.<Done>runCommand(r -> new UserEntity.RevokeToken("t-laptop", expiry, r));
    assertEquals(new PushDeviceRemoved("laptop"), live.events().get(1));
    // Named by the client.
    var named =
        lea.kit.<Done>runCommand(r -> new UserEntity.RevokeToken("t-x", expiry, "tablet", r));
    assertEquals(new PushDeviceRemoved("tablet"), named.events().get(1));
    assertEquals(2, named.events().size());
    assertEquals(List.of("watch"), List.copyOf(lea.kit.getState().push().devices().keySet()));
    lea.kit.restart();
    assertEquals(List.of("watch"), List.copyOf(lea.kit.getState().push().devices().keySet()));
  }

  @Test
  void aDeadTokenIsRemovedOnlyWhileTheDeviceStillHasIt() {
    Kit max = kit("max");
    max.register("phone", false, "t1");
    var stale =
        max.kit.<Done>runCommand(r -> new PushProtocol.RemovePushDevice("phone", "old-token", r));
    assertTrue(stale.hasNoEvents(), "the device registered a new token since");
    assertTrue(max.kit.getState().push().devices().containsKey("phone"));
    var dead =
        max.kit.<Done>runCommand(r -> new PushProtocol.RemovePushDevice("phone", "token-phone", r));
    assertEquals(List.of(new PushDeviceRemoved("phone")), dead.events());
    var unregister =
        max.kit.<Done>runCommand(r -> new PushProtocol.UnregisterPushDevice("phone", r));
    assertTrue(unregister.hasNoEvents(), "gone already: ok, nothing stored");
  }

  /** One user entity under test. */
  private record Kit(
      EventSourcedBehaviorTestKit<UserEntity.Command, UserEntity.Event, UserEntity.State> kit) {

    EventSourcedBehaviorTestKit.CommandResultWithReply<
            UserEntity.Command, UserEntity.Event, UserEntity.State, PushDevices.Registered>
        register(String device, boolean preview, String tokenId) {
      var result =
          kit.<PushDevices.Registered>runCommand(
              r ->
                  new PushProtocol.RegisterPushDevice(
                      device, Provider.APNS, "token-" + device, preview, tokenId, r));
      assertEquals(PushDevices.Registered.DONE, result.reply());
      for (UserEntity.Event e : result.events()) assertTrue(e instanceof PushDeviceRegistered);
      return result;
    }
  }
}
