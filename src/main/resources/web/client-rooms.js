// Rooms of a ChatClient (docs/protocol.md "Rooms"): joined per connection, so the rooms this
// tab is in are kept (sessionStorage) and joined again after each welcome, then paged from
// where this tab stopped. Rooms have no read markers, acks, unread or catch-up.
// Methods of ChatClient (client.js mixes them into its prototype; `this` is the client).

export const ROOM_NAME = /^[a-z0-9_.-]{1,64}$/;
const MISSED_PAGE = 100; // what a re-joined room pages of what it missed while away

export class RoomMethods {

  roomIds() {
    try {
      const ids = JSON.parse(sessionStorage.getItem(this.key('rooms')) || '[]');
      return Array.isArray(ids) ? ids.filter((id) => typeof id === 'string' && id.startsWith('r:')) : [];
    } catch {
      return [];
    }
  }

  saveRooms(ids) {
    try {
      sessionStorage.setItem(this.key('rooms'), JSON.stringify([...new Set(ids)]));
    } catch {
      // storage full or denied: the rooms last as long as this connection
    }
  }

  async joinRoom(name) {
    const id = `r:${name}`;
    await this.ask({ type: 'join', conv: id });
    const c = this.conv(id);
    c.joined = true;
    c.left = false;
    c.touched = Date.now();
    this.saveRooms([...this.roomIds(), id]);
    this.changed();
    return id;
  }

  async leaveRoom(id) {
    this.saveRooms(this.roomIds().filter((r) => r !== id));
    const c = this.conv(id);
    c.joined = false;
    c.left = true;
    if (this.openId === id) this.openId = null;
    this.changed();
    await this.ask({ type: 'leave', conv: id }).catch(() => {});
  }

  /** After a welcome: the socket is new, so is every room's membership. */
  rejoinRooms() {
    for (const id of this.roomIds()) {
      const c = this.conv(id);
      c.joined = true;
      this.ask({ type: 'join', conv: id })
        .then(() => this.pageMissed(c))
        .catch((e) => {
          if (e.code !== 'disconnected') this.toast(`Could not re-join ${id.slice(2)}: ${e.message}`, 'error');
        });
    }
  }

  async pageMissed(c) {
    if (c.entries.size === 0) return this.openId === c.id ? this.loadOlder(c) : undefined;
    const page = await this.askHistory({ type: 'history', conv: c.id, before: null, after: c.highest, limit: MISSED_PAGE });
    for (const m of page.messages) this.applyMsg(m, 'history');
    this.changed();
  }
}
