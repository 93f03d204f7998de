// Group operations of a ChatClient: create, invite, leave, and the management ops of
// docs/protocol.md "Groups": title (rename), kick (remove a member) and role (owner only).
// Methods of ChatClient (client.js mixes them into its prototype; `this` is the client).

// After a members query failed, renders wait this long before asking again.
const MEMBERS_RETRY_MS = 5000;

export class GroupMethods {

  async createGroup(title, members) {
    const reply = await this.ask({ type: 'create', kind: 'group', title, members });
    const c = this.conv(reply.conv);
    c.kind = 'group';
    c.title = title;
    c.role = 'owner';
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
   * Members and roles: the server's `members` list (paged), kept current by the group's live
   * system entries (applyRoles). Until it has loaded, only the user's own role is known, from
   * conv_state (docs/protocol.md "Groups"), so their controls show at once.
   */
  roster(c) {
    const retry = Date.now() - (c.rolesFailedAt ?? 0) > MEMBERS_RETRY_MS;
    if (!c.roles && !c.rolesLoading && !c.left && retry) this.loadMembers(c);
    const roles = new Map(c.roles ?? []);
    roles.set(this.me, c.role ?? roles.get(this.me) ?? 'member');
    return roles;
  }

  async loadMembers(c) {
    c.rolesLoading = true;
    try {
      const roles = new Map();
      let cursor;
      do {
        const page = await this.ask({ type: 'members', conv: c.id, ...(cursor ? { cursor } : {}) });
        for (const { user, role } of page.members ?? []) roles.set(user, role);
        cursor = page.more ? page.cursor : null;
      } while (cursor);
      c.roles = roles;
      if (roles.has(this.me)) c.role = roles.get(this.me);
    } catch {
      // Not a member any more, or the server is busy: a later render asks again.
      c.rolesFailedAt = Date.now();
    } finally {
      c.rolesLoading = false;
      this.changed();
    }
  }

  /**
   * A live system entry (pushed, in seq order) changes roles; history pages bring old ones,
   * which the server's state already reflects, so only pushes count.
   */
  applyRoles(c, b) {
    const roles = c.roles ?? new Map();
    switch (b.event) {
      case 'created':
        roles.set(b.owner, 'owner');
        for (const u of b.members ?? []) if (!roles.has(u)) roles.set(u, 'member');
        break;
      case 'joined':
        for (const u of b.users ?? []) if (!roles.has(u)) roles.set(u, 'member');
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
        return;
    }
    if (c.roles) c.roles = roles;
    if (roles.has(this.me)) c.role = roles.get(this.me);
  }
}
