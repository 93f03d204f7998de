// Group operations of a ChatClient: create, invite, leave, and the management ops of
// docs/protocol.md "Groups": title (rename), kick (remove a member) and role (owner only).
// Methods of ChatClient (client.js mixes them into its prototype; `this` is the client).

export class GroupMethods {

  async createGroup(title, members) {
    const reply = await this.ask({ type: 'create', kind: 'group', title, members });
    const c = this.conv(reply.conv);
    c.kind = 'group';
    c.title = title;
    c.known = true;
    c.touched = Date.now();
    return reply.conv;
  }

  invite(convId, users) {
    return this.ask({ type: 'invite', conv: convId, users });
  }

  rename(convId, title) {
    return this.ask({ type: 'title', conv: convId, title });
  }

  kick(convId, user) {
    return this.ask({ type: 'kick', conv: convId, user });
  }

  setRole(convId, user, role) {
    return this.ask({ type: 'role', conv: convId, user, role });
  }

  async leave(convId) {
    await this.ask({ type: 'leave', conv: convId });
    this.conv(convId).left = true;
    if (this.openId === convId) this.openId = null;
    this.changed();
  }

  /**
   * Members and roles as far as this device has seen the group's system entries, replayed in
   * seq order (pages arrive newest first). A member added later never sees the entries before
   * the one that added them, so others' roles may be unknown; their own role is always known:
   * it starts as member, and every change to it is an entry they see.
   */
  roster(c) {
    const stamp = `${c.entries.size}:${c.highest}`;
    if (c.rosterCache?.stamp === stamp) return c.rosterCache.roles;
    const roles = new Map();
    const system = [...c.entries.values()].filter((m) => m.kind === 'system').sort((a, b) => a.seq - b.seq);
    for (const { body: b = {}, from } of system) {
      switch (b.event) {
        case 'created':
          roles.clear();
          roles.set(b.owner ?? from, 'owner');
          for (const u of b.members ?? []) roles.set(u, 'member');
          break;
        case 'joined':
          for (const u of b.users ?? []) if (!roles.has(u)) roles.set(u, 'member');
          // Only the owner or an admin adds people.
          if (b.by && !roles.has(b.by)) roles.set(b.by, 'admin');
          break;
        case 'left':
        case 'kicked':
          roles.delete(b.user);
          if (b.owner) roles.set(b.owner, 'owner');
          break;
        case 'role':
          roles.set(b.user, b.role === 'admin' ? 'admin' : 'member');
          break;
        default:
          break;
      }
    }
    if (!roles.has(this.me)) roles.set(this.me, 'member');
    c.rosterCache = { stamp, roles };
    return roles;
  }
}
