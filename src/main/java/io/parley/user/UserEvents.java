package io.parley.user;

import io.parley.user.PushProtocol.PushDeviceRegistered;
import io.parley.user.PushProtocol.PushDeviceRemoved;
import io.parley.user.PushProtocol.PushNotified;
import io.parley.user.UserEntity.AddedToGroup;
import io.parley.user.UserEntity.ContactsChanged;
import io.parley.user.UserEntity.ConversationLinked;
import io.parley.user.UserEntity.ConversationUnlinked;
import io.parley.user.UserEntity.CursorsAdvanced;
import io.parley.user.UserEntity.Event;
import io.parley.user.UserEntity.LoggedOut;
import io.parley.user.UserEntity.ProfileUpdated;
import io.parley.user.UserEntity.PushEvent;
import io.parley.user.UserEntity.ReadMarked;
import io.parley.user.UserEntity.Registered;
import io.parley.user.UserEntity.State;
import io.parley.user.UserEntity.WentOffline;

/**
 * The user entity's event handler: each event changes one part of the {@link State}, by that part's
 * own method. The same for every entity (no per-entity builder).
 */
final class UserEvents {
  private UserEvents() {}

  static State apply(State s, Event e) {
    if (e instanceof CursorsAdvanced c)
      return with(s, s.inbox().advance(c.device(), c.delivered()));
    if (e instanceof ReadMarked r) return with(s, s.inbox().read(r.conv(), r.seq()));
    if (e instanceof WentOffline w) return with(s, s.account().wentOffline(w.ts()));
    if (e instanceof ConversationLinked l) return with(s, s.inbox().link(l.conv()));
    if (e instanceof ConversationUnlinked u) {
      State without = with(s, s.inbox().unlink(u.conv()));
      return with(without, s.push().forget(u.conv()));
    }
    if (e instanceof PushEvent p) return with(s, pushed(s.push(), p));
    if (e instanceof PeopleProtocol.FindableSet f)
      return with(s, s.account().findable(f.findable()));
    if (e instanceof PeopleProtocol.DirectoryListed l)
      return with(s, s.account().listedAs(l.nickname()));
    if (e instanceof ContactsChanged c) {
      Contacts contacts = s.contacts().apply(c.change(), c.other());
      return new State(s.account(), s.inbox(), contacts, s.revoked(), s.groupAdds(), s.push());
    }
    if (e instanceof Registered r) {
      return with(s, s.account().registered(r.passwordHash(), r.nickname()));
    }
    if (e instanceof ProfileUpdated p)
      return with(s, s.account().profile(p.nickname(), p.avatar()));
    if (e instanceof LoggedOut l) {
      RevokedTokens more = s.revoked().plus(l.tokenId(), l.expiresAt(), l.ts());
      return new State(s.account(), s.inbox(), s.contacts(), more, s.groupAdds(), s.push());
    }
    if (e instanceof AddedToGroup a) {
      GroupConsent.Adds adds = s.groupAdds().plus(a.conv(), a.ts());
      return new State(s.account(), s.inbox(), s.contacts(), s.revoked(), adds, s.push());
    }
    throw new IllegalArgumentException("unknown event " + e.getClass().getName());
  }

  private static PushDevices pushed(PushDevices devices, PushEvent e) {
    if (e instanceof PushNotified n) return devices.notified(n.conv(), n.seq());
    if (e instanceof PushDeviceRemoved r) return devices.removed(r.device());
    PushDeviceRegistered r = (PushDeviceRegistered) e;
    return devices.registered(
        r.device(),
        new PushDevices.Device(r.provider(), r.token(), r.preview(), r.tokenId(), r.ts()));
  }

  private static State with(State s, Account changed) {
    return new State(changed, s.inbox(), s.contacts(), s.revoked(), s.groupAdds(), s.push());
  }

  private static State with(State s, Inbox changed) {
    return new State(s.account(), changed, s.contacts(), s.revoked(), s.groupAdds(), s.push());
  }

  private static State with(State s, PushDevices changed) {
    return new State(s.account(), s.inbox(), s.contacts(), s.revoked(), s.groupAdds(), changed);
  }
}
