// One conversation as this device holds it (see client.js), and the ids around it.

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
    this.edits = new Map(); // seq -> {seq: the edit's own seq, text}: the latest text of an edited entry
    this.deliveredTo = new Map(); // other member -> highest seq one of their devices holds
    this.receipts = new Map(); // other member -> highest seq they have read
    this.typing = new Map(); // user -> shown until (ms)
    this.members = null; // Set of members, once the group's "created" entry was seen
    this.role = null; // the user's own role in a group (conv_state), kept by live entries
    this.roles = null; // user -> role of every member (the members query), null until loaded
    this.rolesLoading = false;
    this.known = false; // the server has described it (conv_state or the REST list)
    this.left = false;
    this.touched = 0; // local time it was started here (sorts it before it has entries)
    this.joined = false; // a room this tab is in (rooms only)
  }

  get unread() {
    if (this.kind === 'room') return 0; // a room is a stream to watch, not a list to read
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

  deliveredToOthers(seq, me) {
    for (const [user, upTo] of this.deliveredTo) if (user !== me && upTo >= seq) return true;
    return false;
  }

  /** Keeps an entry's newest text: edits may arrive in any order (push, pages, catch-up). */
  noteEdit(target, editSeq, text) {
    if (typeof target !== 'number' || typeof text !== 'string') return;
    if ((this.edits.get(target)?.seq ?? -1) < editSeq) this.edits.set(target, { seq: editSeq, text });
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
    this.edits.clear();
    this.deliveredTo.clear();
    this.receipts.clear();
  }
}
