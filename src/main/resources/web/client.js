// The chat state of one device (this tab) and the protocol around it (docs/protocol.md 2-6):
// conversations with their entries keyed by seq (so every entry is held once, whatever
// path it came by: push, catch-up, history or the REST list), cursors for hello, an outbox
// of sends that are re-sent with the same cid until the server answers `sent`, coalesced
// acks, read markers, receipts, typing, presence and contacts. Views read it; it emits
// `change` (coalesced per task) and `toast` events.

import * as api from './api.js';
import { Connection } from './connection.js';

const HISTORY_PAGE = 50;
const GAP_PAGE = 200;
const ACK_DELAY_MS = 1_000;
const READ_DELAY_MS = 150;
const SAVE_DELAY_MS = 300;
const TYPING_EVERY_MS = 3_000;
const TYPING_SHOWN_MS = 6_000;
const SEND_PROBE_MS = 4_000;
const SEND_RETRY_MS = 1_500;
const SEND_RETRY_MAX_MS = 15_000;
// Send errors that mean "nothing stored, try again with the same cid" (docs/protocol.md 7).
const RETRYABLE = new Set(['unavailable', 'rate_limited', 'disconnected']);
// History requests out at once: the server refuses more than parley.session.max-history-in-flight
// (4) with rate_limited, and budgets them per second; a refused one is asked again later.
const HISTORY_IN_FLIGHT = 3;
const HISTORY_RETRY_MS = 1_000;
const HISTORY_TRIES = 4;

export const USER_ID = /^[a-z0-9_.-]{3,32}$/;

export function randomId(length = 16) {
  // crypto.randomUUID needs a secure context; a node reached over plain http is not one.
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function directId(a, b) {
  const [x, y] = [a, b].sort();
  return `d:${x}:${y}`;
}

function kindOf(id) {
  if (id.startsWith('d:')) return 'direct';
  if (id.startsWith('g:')) return 'group';
  return 'room';
}

export class Conversation {
  constructor(id, me) {
    this.id = id;
    this.kind = kindOf(id);
    this.peer = this.kind === 'direct' ? id.split(':').slice(1).find((u) => u !== me) ?? me : null;
    this.title = null;
    this.lastSeq = 0;
    this.readSeq = 0;
    this.epoch = null;
    this.last = null; // newest entry known, for the list (it may not be in `entries`)
    this.entries = new Map(); // seq -> msg frame; one contiguous block but while a gap is paged
    this.cursor = 0; // highest seq this device received (sent as its cursor in hello)
    this.lowest = 0; // lowest seq held, 0 when none
    this.highest = 0; // highest seq held, 0 when none
    this.atStart = false; // nothing older than `lowest` exists
    this.loading = false; // a history request is out
    this.recalled = new Set();
    this.receipts = new Map(); // other member -> highest seq they have read
    this.typing = new Map(); // user -> shown until (ms)
    this.members = null; // Set of members, once the group's "created" entry was seen
    this.known = false; // the server has described it (conv_state or the REST list)
    this.left = false;
    this.touched = 0; // local time it was started here (sorts it before it has entries)
  }

  get unread() {
    return Math.max(0, this.lastSeq - this.readSeq);
  }

  get sortKey() {
    return Math.max(this.last?.ts ?? 0, this.touched);
  }

  /** The first missing stretch above `lowest` (inside the block or above it), or null. */
  nextGap() {
    if (this.entries.size === 0) return null;
    if (this.entries.size < this.highest - this.lowest + 1) {
      for (let seq = this.lowest; seq <= this.highest; seq++) {
        if (!this.entries.has(seq)) {
          let until = seq;
          while (!this.entries.has(until + 1)) until++;
          return { after: seq - 1, until };
        }
      }
    }
    return this.lastSeq > this.highest ? { after: this.highest, until: this.lastSeq } : null;
  }

  readByOthers(seq, me) {
    const readers = [];
    for (const [user, upTo] of this.receipts) if (user !== me && upTo >= seq) readers.push(user);
    return readers;
  }

  reset() {
    this.entries.clear();
    this.cursor = this.lowest = this.highest = this.lastSeq = this.readSeq = 0;
    this.last = null;
    this.atStart = false;
    this.recalled.clear();
    this.receipts.clear();
  }
}

export class ChatClient extends EventTarget {
  constructor({ me, token, device }) {
    super();
    this.me = me;
    this.token = token;
    this.device = device;
    this.convs = new Map();
    this.outbox = []; // {cid, conv, kind, body, ts, state: sending|sent|failed, seq?, error?, attempts}
    this.presence = new Map(); // user -> {state, lastSeen}
    this.contacts = { friends: [], pending_in: [], pending_out: [], blocked: [] };
    this.profiles = new Map(); // user -> {nickname, avatar} | 'loading' | 'missing'
    this.openId = null;
    this.status = { state: 'connecting' };
    this.synced = false;
    this.pending = new Map(); // rid -> {resolve, reject}
    this.ridCounter = 0;
    this.historyQueue = []; // history requests waiting for a slot
    this.historyOut = 0;
    this.acks = new Map();
    this.typingSent = new Map();
    this.timers = {};
    this.restore();
    this.conn = new Connection({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
      hello: () => this.hello(),
      onFrame: (f) => this.onFrame(f),
      onState: (state, detail) => this.onConnState(state, detail),
      onUnauthorized: (message) => this.emit('unauthorized', { message }),
    });
    this.onVisible = () => {
      if (document.visibilityState === 'visible') this.scheduleRead();
    };
    this.onPageHide = () => this.save();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  async start() {
    document.addEventListener('visibilitychange', this.onVisible);
    window.addEventListener('pagehide', this.onPageHide);
    try {
      await this.loadList(true);
    } catch (e) {
      if (e.status === 401) {
        this.emit('unauthorized', { message: 'your session has ended' });
        return;
      }
      // The socket's conv_state frames bring the list too.
    }
    if (this.stopped) return; // logged out while the list was loading
    this.loadProfile(this.me);
    this.conn.start();
    this.changed();
  }

  /** The REST conversation list: states, titles and last entries. */
  async loadList(authoritative) {
    const list = await api.conversations(this.token);
    for (const v of list.conversations) {
      this.applyState(v, authoritative);
      if (v.last) this.applyRestLast(v.last);
    }
    this.changed();
  }

  /** A conversation we hear of first by a push (a new chat, an invitation): ask for its title. */
  scheduleListRefresh() {
    if (this.timers.list) return;
    this.timers.list = setTimeout(() => {
      this.timers.list = null;
      this.loadList(false).catch(() => {});
    }, 300);
  }

  stop() {
    this.stopped = true;
    document.removeEventListener('visibilitychange', this.onVisible);
    window.removeEventListener('pagehide', this.onPageHide);
    this.conn.stop();
    for (const t of Object.values(this.timers)) clearTimeout(t);
    this.save();
  }

  // ---- persistence: cursors, epochs and the outbox live as long as the tab ----------------

  key(name) {
    return `parley.${name}.${this.me}`;
  }

  restore() {
    try {
      const convs = JSON.parse(sessionStorage.getItem(this.key('convs')) || '{}');
      for (const [id, s] of Object.entries(convs)) {
        const c = this.conv(id);
        c.cursor = s.cursor ?? 0;
        c.epoch = s.epoch ?? null;
      }
      this.outbox = JSON.parse(sessionStorage.getItem(this.key('outbox')) || '[]');
    } catch {
      this.outbox = [];
    }
  }

  save() {
    clearTimeout(this.timers.save);
    this.timers.save = null;
    const convs = {};
    for (const c of this.convs.values()) {
      if (c.cursor > 0 || c.epoch) convs[c.id] = { cursor: c.cursor, epoch: c.epoch };
    }
    try {
      sessionStorage.setItem(this.key('convs'), JSON.stringify(convs));
      sessionStorage.setItem(this.key('outbox'), JSON.stringify(this.outbox));
    } catch {
      // storage full or denied: state still lives in memory
    }
  }

  scheduleSave() {
    if (!this.timers.save) this.timers.save = setTimeout(() => this.save(), SAVE_DELAY_MS);
  }

  // ---- events ----------------------------------------------------------------------------

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  changed() {
    if (this.changeQueued) return;
    this.changeQueued = true;
    queueMicrotask(() => {
      this.changeQueued = false;
      this.emit('change');
    });
  }

  toast(text, kind = 'info') {
    this.emit('toast', { text, kind });
  }

  // ---- connection ------------------------------------------------------------------------

  hello() {
    const cursors = {};
    for (const c of this.convs.values()) if (c.cursor > 0 && c.kind !== 'room') cursors[c.id] = c.cursor;
    return { type: 'hello', token: this.token, device: this.device, cursors };
  }

  onConnState(state, detail) {
    this.status = { state, ...detail };
    if (state !== 'online') {
      this.synced = false;
      const lost = [...this.pending.values()];
      this.pending.clear();
      for (const p of lost) p.reject(Object.assign(new Error('disconnected'), { code: 'disconnected' }));
      for (const c of this.convs.values()) c.loading = false;
    }
    this.changed();
  }

  /** A request with a rid: resolves with its reply, rejects with its error (code set). */
  ask(frame) {
    return new Promise((resolve, reject) => {
      const rid = `r${++this.ridCounter}`;
      if (!this.conn.send({ ...frame, rid })) {
        reject(Object.assign(new Error('not connected'), { code: 'disconnected' }));
        return;
      }
      this.pending.set(rid, { resolve, reject });
    });
  }

  /** A history request, a few at a time (after a sync, every changed conversation pages). */
  askHistory(frame) {
    return new Promise((resolve, reject) => {
      this.historyQueue.push({ frame, resolve, reject, tries: 0 });
      this.pumpHistory();
    });
  }

  pumpHistory() {
    while (this.historyOut < HISTORY_IN_FLIGHT && this.historyQueue.length > 0) {
      const job = this.historyQueue.shift();
      this.historyOut++;
      this.ask(job.frame)
        .then(job.resolve, (e) => {
          if (e.code !== 'rate_limited' || ++job.tries >= HISTORY_TRIES) {
            job.reject(e);
            return;
          }
          setTimeout(() => {
            this.historyQueue.push(job);
            this.pumpHistory();
          }, HISTORY_RETRY_MS * job.tries);
        })
        .finally(() => {
          this.historyOut--;
          this.pumpHistory();
        });
    }
  }

  onFrame(f) {
    if (f.rid && this.pending.has(f.rid) && f.type !== 'sent') {
      const p = this.pending.get(f.rid);
      this.pending.delete(f.rid);
      if (f.type === 'error') p.reject(Object.assign(new Error(f.message || f.code), { code: f.code }));
      else p.resolve(f);
    }
    switch (f.type) {
      case 'welcome':
        this.onWelcome(f);
        break;
      case 'conv_state':
        this.applyState(f, true);
        break;
      case 'synced':
        this.onSynced();
        break;
      case 'msg':
        this.applyMsg(f, 'push');
        break;
      case 'sent':
        this.onSent(f);
        break;
      case 'read':
        this.onRead(f);
        break;
      case 'typing':
        this.onTyping(f);
        break;
      case 'presence':
        this.presence.set(f.user, { state: f.state, lastSeen: f.last_seen ?? null });
        // Presence comes from friends only: a new one was accepted, maybe on another device
        // of ours (those get no contact event), so the contact lists are stale. Our own side
        // of the friendship may be stored a moment after this push: ask again shortly after.
        if (!this.contacts.friends.includes(f.user)) {
          this.refreshContacts();
          setTimeout(() => this.refreshContacts(), 1_500);
        }
        break;
      case 'contacts':
        this.contacts = {
          friends: f.friends ?? [],
          pending_in: f.pending_in ?? [],
          pending_out: f.pending_out ?? [],
          blocked: f.blocked ?? [],
        };
        break;
      case 'contact':
        this.onContactEvent(f);
        break;
      case 'error':
        this.onError(f);
        break;
      default:
        break;
    }
    this.changed();
  }

  onWelcome() {
    // Sends the server never answered go again, same cid: the server stores each cid once.
    for (const item of this.outbox) if (item.state === 'sending') this.trySend(item);
    this.refreshContacts();
  }

  onSynced() {
    this.synced = true;
    for (const c of this.convs.values()) {
      if (c.left || c.kind === 'room') continue;
      if (c.entries.size > 0) this.fillGaps(c);
      else if (c.lastSeq > 0 && (!c.last || c.last.seq < c.lastSeq)) this.refreshPreview(c);
    }
    if (this.openId) {
      const c = this.convs.get(this.openId);
      if (c && c.entries.size === 0) this.loadOlder(c);
    }
    this.flushAcks();
    this.scheduleRead();
  }

  onError(f) {
    if (f.rid?.startsWith('s:')) {
      this.onSendError(f.rid.slice(2), f);
      return;
    }
    if (f.rid) return; // answered through ask()
    if (f.code === 'unavailable') this.toast('The server asked us to reconnect…');
    else if (f.code !== 'forbidden') this.toast(f.message || f.code, 'error');
  }

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
    if (m.kind === 'system') this.applySystem(c, m);
    if (source === 'push') {
      if (had && m.seq > top + 1) this.fillGaps(c);
      this.scheduleAck(c);
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

  // ---- acks and reads --------------------------------------------------------------------

  scheduleAck(c) {
    this.acks.set(c.id, c.cursor);
    if (!this.timers.ack) this.timers.ack = setTimeout(() => this.flushAcks(), ACK_DELAY_MS);
  }

  flushAcks() {
    clearTimeout(this.timers.ack);
    this.timers.ack = null;
    for (const [conv, seq] of this.acks) {
      if (this.conn.send({ type: 'ack', conv, seq })) this.acks.delete(conv);
    }
  }

  scheduleRead() {
    clearTimeout(this.timers.read);
    this.timers.read = setTimeout(() => this.markRead(), READ_DELAY_MS);
  }

  /** The open conversation, while the tab is visible, is read up to what it shows. */
  markRead() {
    const c = this.openId && this.convs.get(this.openId);
    if (!c || c.kind === 'room' || document.visibilityState !== 'visible' || !this.synced) return;
    const seq = c.highest;
    if (seq <= c.readSeq) return;
    this.ask({ type: 'read', conv: c.id, seq }).catch(() => {});
    c.readSeq = seq;
    this.changed();
  }

  // ---- sending ---------------------------------------------------------------------------

  sendText(convId, text) {
    const c = this.conv(convId);
    if (!c.touched) c.touched = Date.now();
    this.typingSent.delete(convId); // the message ends this bout of typing; the next one is news
    this.enqueue({ conv: convId, kind: 'text', body: text });
  }

  recall(convId, seq) {
    this.enqueue({ conv: convId, kind: 'recall', body: { seq } });
  }

  enqueue({ conv, kind, body }) {
    const item = { cid: `w-${randomId(20)}`, conv, kind, body, ts: Date.now(), state: 'sending', attempts: 0 };
    this.outbox.push(item);
    this.save();
    this.trySend(item);
    this.changed();
  }

  trySend(item) {
    if (item.state !== 'sending') return;
    const frame = { type: 'send', rid: `s:${item.cid}`, conv: item.conv, cid: item.cid, kind: item.kind, body: item.body };
    if (!this.conn.send(frame)) return; // goes on the next welcome
    item.attempts += 1;
    // No `sent` soon: make sure the socket is alive (a dead one is dropped and redialled).
    setTimeout(() => {
      if (item.state === 'sending' && this.outbox.includes(item)) this.conn.ping();
    }, SEND_PROBE_MS);
  }

  onSent(f) {
    const item = this.outbox.find((i) => i.cid === f.cid && i.conv === f.conv);
    const c = this.conv(f.conv);
    c.lastSeq = Math.max(c.lastSeq, f.seq);
    c.readSeq = Math.max(c.readSeq, f.seq);
    if (!item) return;
    item.seq = f.seq;
    item.ts = f.ts;
    item.state = 'sent';
    if (c.entries.has(f.seq) || item.kind !== 'text') this.dropFromOutbox(item);
    this.save();
  }

  onSendError(cid, f) {
    const item = this.outbox.find((i) => i.cid === cid);
    if (!item || item.state !== 'sending') return;
    if (RETRYABLE.has(f.code)) {
      const delay = Math.min(SEND_RETRY_MAX_MS, SEND_RETRY_MS * item.attempts);
      setTimeout(() => this.trySend(item), delay);
      return;
    }
    item.state = 'failed';
    item.error = f.message || f.code;
    if (item.kind === 'recall') {
      this.dropFromOutbox(item);
      this.toast(`Could not recall: ${item.error}`, 'error');
    }
    this.save();
  }

  /** Our own entry arrived (push, catch-up or history): its outbox item is done. */
  settle(m) {
    const item = this.outbox.find((i) => i.cid === m.cid && i.conv === m.conv);
    if (item) this.dropFromOutbox(item);
  }

  dropFromOutbox(item) {
    this.outbox = this.outbox.filter((i) => i !== item);
    this.scheduleSave();
  }

  retry(cid) {
    const item = this.outbox.find((i) => i.cid === cid);
    if (!item) return;
    item.state = 'sending';
    item.error = null;
    this.save();
    this.trySend(item);
    this.changed();
  }

  discard(cid) {
    const item = this.outbox.find((i) => i.cid === cid);
    if (item) this.dropFromOutbox(item);
    this.changed();
  }

  typing(convId) {
    const now = Date.now();
    if (now - (this.typingSent.get(convId) ?? 0) < TYPING_EVERY_MS) return;
    if (this.conn.send({ type: 'typing', conv: convId })) this.typingSent.set(convId, now);
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

  // ---- groups ----------------------------------------------------------------------------

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

  // ---- people ----------------------------------------------------------------------------

  refreshContacts() {
    return this.ask({ type: 'contacts' }).catch(() => {});
  }

  async contactOp(op, user) {
    await this.ask({ type: op, user });
    await this.refreshContacts();
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
