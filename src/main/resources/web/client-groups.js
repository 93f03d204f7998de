// Group operations of a ChatClient: create, invite, leave.
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

  async leave(convId) {
    await this.ask({ type: 'leave', conv: convId });
    this.conv(convId).left = true;
    if (this.openId === convId) this.openId = null;
    this.changed();
  }
}
