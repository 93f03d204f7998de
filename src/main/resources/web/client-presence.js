// Friends' presence as a ChatClient knows it: `presence` pushes, and the `presence_list` that
// comes after every welcome (docs/protocol.md "Presence"), so a reloaded tab shows who is
// online without waiting for anyone to come or go. Beyond the list's cap (`more`) and when the
// server could not make it, the rest is asked for by name with `presence` queries.
// Methods of ChatClient (client.js mixes them into its prototype; `this` is the client).

const QUERY_MAX = 100; // parley.presence.query-max: users per presence query

export class PresenceMethods {

  onPresence(f) {
    this.presence.set(f.user, { state: f.state, lastSeen: f.last_seen ?? null });
    // Presence comes from friends only: a new one was accepted, maybe on another device
    // of ours (those get no contact event), so the contact lists are stale. Our own side
    // of the friendship may be stored a moment after this push: ask again shortly after.
    if (!this.contacts.friends.includes(f.user)) {
      this.refreshContacts();
      setTimeout(() => this.refreshContacts(), 1_500);
    }
  }

  onPresenceList(f) {
    for (const p of f.friends ?? []) {
      this.presence.set(p.user, { state: p.state, lastSeen: p.last_seen ?? null });
    }
    if (f.more) this.presenceUnlisted = true;
    if (!f.rid) this.askUnlistedPresence();
  }

  /** The list was cut (`more`) or not made: asks for the friends it left out, by name. */
  askUnlistedPresence() {
    if (!this.presenceUnlisted || !this.contactsLoaded) return;
    this.presenceUnlisted = false;
    const unknown = this.contacts.friends.filter((u) => !this.presence.has(u));
    for (let i = 0; i < unknown.length; i += QUERY_MAX) {
      this.ask({ type: 'presence', users: unknown.slice(i, i + QUERY_MAX) }).catch(() => {});
    }
  }

  /** True for the rid-less `unavailable` that says the presence list could not be made. */
  presenceListFailed(f) {
    if (f.code !== 'unavailable' || f.rid || !/presence/.test(f.message ?? '')) return false;
    this.presenceUnlisted = true;
    this.askUnlistedPresence();
    return true;
  }
}
