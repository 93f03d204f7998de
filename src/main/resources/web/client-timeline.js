// The timeline of a ChatClient's conversations: their state, entries keyed by seq (held once,
// whatever path they came by), group membership from system entries, typing, scroll-back and
// gap filling after a catch-up, and the open conversation.
// Methods of ChatClient (client.js mixes them into its prototype; `this` is the client).

import { Conversation } from './conversation.js';

const HISTORY_PAGE = 50;
const GAP_PAGE = 200;
const TYPING_SHOWN_MS = 6_000;

export class TimelineMethods {
  // ---- conversations and entries ---------------------------------------------------------

  conv(id) {
    let c = this.convs.get(id);
    if (!c) {
      c = new Conversation(id, this.me);
      this.convs.set(id, c);
    }
    return c;
  }

  /**
   * conv_state and the REST list's items. At (re)connect they are the truth about the read
   * marker (a read lost with the old socket must go again); a later refresh only adds.
   */
  applyState(s, authoritative) {
    const c = this.conv(s.conv);
    c.known = true;
    if (s.kind) c.kind = s.kind;
    if (s.title) c.title = s.title;
    if (s.role) c.role = s.role;
    if (c.epoch && s.epoch !== undefined && s.epoch !== c.epoch) {
      // The log was reset: our cursor and entries name other entries now (docs/protocol.md).
      c.reset();
    }
    if (s.epoch !== undefined) c.epoch = s.epoch;
    c.lastSeq = Math.max(c.lastSeq, s.last_seq ?? 0);
    // The stored marker is the truth at this point; a read lost with the socket goes again.
    if (typeof s.read_seq === 'number') {
      const read = Math.min(s.read_seq, c.lastSeq);
      c.readSeq = authoritative ? read : Math.max(c.readSeq, read);
    }
    c.left = false;
    this.scheduleSave();
  }

  /** The REST list's last entry: held as an entry only where it cannot make a hole. */
  applyRestLast(m) {
    const c = this.conv(m.conv);
    if (c.entries.size === 0 && c.cursor === 0) this.applyMsg(m, 'rest');
    else if (!c.last || m.seq > c.last.seq) c.last = m;
  }

  applyMsg(m, source) {
    const c = this.conv(m.conv);
    if (c.entries.has(m.seq)) return; // de-duplicate by (conv, seq)
    const top = c.highest;
    const had = c.entries.size > 0;
    c.entries.set(m.seq, m);
    c.lowest = had ? Math.min(c.lowest, m.seq) : m.seq;
    c.highest = Math.max(c.highest, m.seq);
    c.cursor = Math.max(c.cursor, m.seq);
    c.lastSeq = Math.max(c.lastSeq, m.seq);
    if (!c.last || m.seq >= c.last.seq) c.last = m;
    if (source === 'push' && m.from !== this.me && m.kind === 'text') this.emit('incoming', m);
    if (m.from === this.me) {
      // The server moves a sender's read marker to their own entry.
      c.readSeq = Math.max(c.readSeq, m.seq);
      this.settle(m);
    } else {
      c.receipts.set(m.from, Math.max(c.receipts.get(m.from) ?? 0, m.seq));
      c.typing.delete(m.from);
    }
    if (m.kind === 'recall' && m.body && typeof m.body.seq === 'number') c.recalled.add(m.body.seq);
    if (m.kind === 'edit' && m.body) c.noteEdit(m.body.seq, m.seq, m.body.text);
    if (m.edited && typeof m.body === 'string') c.noteEdit(m.seq, m.edit_seq ?? m.seq, m.body);
    if (m.kind === 'system') this.applySystem(c, m);
    if (m.kind === 'system' && source === 'push' && m.body) this.applyRoles(c, m.body);
    if (source === 'push') {
      if (had && m.seq > top + 1) this.fillGaps(c);
      if (c.kind !== 'room') this.scheduleAck(c); // rooms keep no delivery cursors
      if (!c.known && c.kind === 'group') this.scheduleListRefresh();
    }
    if (c.id === this.openId) this.scheduleRead();
    this.scheduleSave();
  }

  applySystem(c, m) {
    const b = m.body || {};
    if (b.event === 'created') c.members = new Set([b.owner, ...(b.members ?? [])]);
    const members = c.members ?? new Set(); // only counted from "created" on
    switch (b.event) {
      case 'created':
        if (b.title) c.title = b.title;
        break;
      case 'joined':
        for (const u of b.users ?? []) members.add(u);
        if ((b.users ?? []).includes(this.me)) c.left = false;
        break;
      case 'left':
      case 'kicked':
        members.delete(b.user);
        if (b.user === this.me && m.seq >= c.lastSeq) c.left = true;
        break;
      case 'title':
        if (b.title) c.title = b.title;
        break;
      default:
        break;
    }
  }

  onRead(f) {
    const c = this.conv(f.conv);
    if (f.user === this.me) c.readSeq = Math.max(c.readSeq, f.seq);
    else c.receipts.set(f.user, Math.max(c.receipts.get(f.user) ?? 0, f.seq));
  }

  onTyping(f) {
    if (f.user === this.me) return;
    const c = this.conv(f.conv);
    c.typing.set(f.user, Date.now() + TYPING_SHOWN_MS);
    setTimeout(() => this.changed(), TYPING_SHOWN_MS + 50);
  }

  typingIn(c) {
    const now = Date.now();
    return [...c.typing].filter(([, until]) => until > now).map(([user]) => user);
  }

  // ---- history: scroll-back and gaps ------------------------------------------------------

  async loadOlder(c) {
    if (c.loading || c.atStart || !this.conn.online) return;
    c.loading = true;
    this.changed();
    try {
      const before = c.entries.size > 0 ? c.lowest : null;
      const page = await this.askHistory({ type: 'history', conv: c.id, before, after: null, limit: HISTORY_PAGE });
      for (const m of page.messages) this.applyMsg(m, 'history');
      if (!page.has_more) c.atStart = true;
    } catch (e) {
      if (e.code !== 'disconnected') this.toast(`Could not load history: ${e.message}`, 'error');
    } finally {
      c.loading = false;
      this.changed();
    }
  }

  /** Pages what is missing between held entries, or above them up to last_seq. */
  async fillGaps(c) {
    if (c.loading || !this.conn.online) return;
    const gap = c.nextGap();
    if (!gap) return;
    c.loading = true;
    let progressed = false;
    try {
      const limit = Math.max(1, Math.min(GAP_PAGE, gap.until - gap.after));
      const page = await this.askHistory({ type: 'history', conv: c.id, before: null, after: gap.after, limit });
      const size = c.entries.size;
      for (const m of page.messages) this.applyMsg(m, 'history');
      progressed = c.entries.size > size;
    } catch {
      // lost with the socket: the next sync looks again
    } finally {
      c.loading = false;
      this.changed();
    }
    if (progressed) this.fillGaps(c);
  }

  async refreshPreview(c) {
    try {
      const page = await this.askHistory({ type: 'history', conv: c.id, before: null, after: null, limit: 1 });
      for (const m of page.messages) {
        if (c.entries.size === 0) this.applyMsg(m, 'history');
        else if (!c.last || m.seq > c.last.seq) c.last = m;
      }
    } catch {
      // the list keeps its older preview
    }
    this.changed();
  }

  // ---- open conversation ------------------------------------------------------------------

  open(convId) {
    const c = this.conv(convId);
    if (!c.touched && c.entries.size === 0 && !c.last) c.touched = Date.now();
    this.openId = convId;
    if (c.entries.size === 0) this.loadOlder(c);
    else this.fillGaps(c);
    if (c.peer) this.loadProfile(c.peer);
    this.scheduleRead();
    this.changed();
  }

  close() {
    this.openId = null;
    this.changed();
  }
}
