// The chat state of one device (this tab) and the protocol around it (docs/protocol.md 2-6):
// conversations with their entries keyed by seq (so every entry is held once, whatever
// path it came by: push, catch-up, history or the REST list), cursors for hello, an outbox
// of sends that are re-sent with the same cid until the server answers `sent`, coalesced
// acks, read markers, receipts, typing, presence and contacts. Views read it; it emits
// `change` (coalesced per task) and `toast` events.
//
// The class is split by concern: this file holds its state, lifecycle, persistence and events;
// the other concerns are methods in the client-*.js modules, mixed into ChatClient.prototype
// below, so callers see one class as before.

import * as api from './api.js';
import { Connection } from './connection.js';
import { SyncMethods } from './client-sync.js';
import { TimelineMethods } from './client-timeline.js';
import { ReadMethods } from './client-reads.js';
import { OutboxMethods } from './client-outbox.js';
import { GroupMethods } from './client-groups.js';
import { PeopleMethods } from './client-people.js';
import { PresenceMethods } from './client-presence.js';
import { RoomMethods } from './client-rooms.js';

export { USER_ID, randomId, directId, Conversation } from './conversation.js';

const SAVE_DELAY_MS = 300;

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
}

// Non-enumerable, like methods declared in the class itself.
for (const methods of [SyncMethods, TimelineMethods, ReadMethods, OutboxMethods, GroupMethods, PeopleMethods, PresenceMethods, RoomMethods]) {
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(methods.prototype))) {
    if (name === 'constructor') continue;
    if (Object.hasOwn(ChatClient.prototype, name)) throw new Error(`ChatClient.${name} is defined twice`);
    Object.defineProperty(ChatClient.prototype, name, descriptor);
  }
}
