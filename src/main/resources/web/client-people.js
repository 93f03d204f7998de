// People around a ChatClient: contacts, friend requests and profiles.
// Methods of ChatClient (client.js mixes them into its prototype; `this` is the client).

import * as api from './api.js';

export class PeopleMethods {

  refreshContacts() {
    return this.ask({ type: 'contacts' }).catch(() => {});
  }

  async contactOp(op, user) {
    await this.ask({ type: op, user });
    await this.refreshContacts();
  }

  /** One page of users whose id or nickname starts with q (docs/protocol.md "Finding people"). */
  async findPeople(q, cursor) {
    const reply = await this.ask({ type: 'find_people', q, ...(cursor ? { cursor } : {}), limit: 20 });
    for (const u of reply.users ?? []) {
      if (!this.profile(u.user)) this.profiles.set(u.user, { nickname: u.nickname, avatar: null });
    }
    return { users: reply.users ?? [], cursor: reply.cursor ?? null };
  }

  onContactEvent(f) {
    const name = this.displayName(f.user);
    if (f.event === 'request') this.toast(`${name} wants to be your friend`);
    else if (f.event === 'accept') this.toast(`${name} accepted your friend request`);
    this.refreshContacts();
  }

  loadProfile(user) {
    const known = this.profiles.get(user);
    if (known && !(known.failedAt && Date.now() - known.failedAt > 30_000)) return;
    this.profiles.set(user, 'loading');
    api
      .profile(this.token, user)
      .then((p) => this.profiles.set(user, { nickname: p.nickname, avatar: p.avatar }))
      .catch((e) => {
        if (e.status === 401) this.emit('unauthorized', { message: 'your session has ended' });
        // Unknown users are not asked again; other failures after a while.
        this.profiles.set(user, e.status === 404 ? 'missing' : { failedAt: Date.now() });
      })
      .finally(() => this.changed());
  }

  profile(user) {
    const p = this.profiles.get(user);
    return p && typeof p === 'object' && 'nickname' in p ? p : null;
  }

  displayName(user) {
    this.loadProfile(user);
    return this.profile(user)?.nickname || user;
  }

  async updateProfile(fields) {
    const p = await api.updateProfile(this.token, fields);
    this.profiles.set(this.me, { nickname: p.nickname, avatar: p.avatar });
    this.changed();
    return p;
  }

  /** Checks that a user exists before a direct chat is started with them. */
  async userExists(user) {
    try {
      const p = await api.profile(this.token, user);
      this.profiles.set(user, { nickname: p.nickname, avatar: p.avatar });
      return true;
    } catch (e) {
      if (e.status === 404) return false;
      throw e;
    }
  }
}
