// The outbox of a ChatClient: sends are re-sent with the same cid until the server answers
// `sent` (docs/protocol.md 7); recalls and typing go the same way out.
// Methods of ChatClient (client.js mixes them into its prototype; `this` is the client).

import { randomId } from './conversation.js';

const TYPING_EVERY_MS = 3_000;
const SEND_PROBE_MS = 4_000;
const SEND_RETRY_MS = 1_500;
const SEND_RETRY_MAX_MS = 15_000;
// Send errors to try again with the same cid (docs/protocol.md 7): nothing was stored, or
// (`internal`) the outcome is unknown and the retry returns the original `sent` if it was.
const RETRYABLE = new Set(['unavailable', 'rate_limited', 'disconnected', 'internal']);
// After this many refusals in a row the message shows why, with Retry and Discard, instead of
// sitting in "sending" while the server keeps refusing it.
const AUTO_RETRIES = 3;
// What a refusal means to the sender (docs/protocol.md 7 and "Content filter").
const REASONS = {
  too_large: 'too long for the server (over 16 KiB)',
  rate_limited: 'sending too fast; wait a moment',
  content_rejected: 'refused by the content filter; change the text',
  forbidden: 'you cannot send to this conversation',
  not_found: 'no such user or conversation',
  bad_request: 'the server could not read it',
  unavailable: 'the server is busy; nothing was stored',
  internal: 'the server did not confirm it',
};

export class OutboxMethods {

  sendText(convId, text) {
    const c = this.conv(convId);
    if (!c.touched) c.touched = Date.now();
    this.typingSent.delete(convId); // the message ends this bout of typing; the next one is news
    this.enqueue({ conv: convId, kind: 'text', body: text });
  }

  recall(convId, seq) {
    this.enqueue({ conv: convId, kind: 'recall', body: { seq } });
  }

  /** A new text for our own text entry `seq` (an `edit` entry; the server checks it is ours). */
  edit(convId, seq, text) {
    this.enqueue({ conv: convId, kind: 'edit', body: { seq, text } });
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
    item.refusals = (item.refusals ?? 0) + 1;
    if (RETRYABLE.has(f.code) && item.refusals < AUTO_RETRIES) {
      const delay = Math.min(SEND_RETRY_MAX_MS, SEND_RETRY_MS * item.attempts);
      setTimeout(() => this.trySend(item), delay);
      return;
    }
    item.state = 'failed';
    item.code = f.code;
    item.error = REASONS[f.code] ?? f.message ?? f.code;
    if (item.kind !== 'text') {
      this.dropFromOutbox(item);
      this.toast(`Could not ${item.kind}: ${item.error}`, 'error');
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
    item.error = item.code = null;
    item.refusals = 0;
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
    if (this.conv(convId).kind === 'room') return; // the server ignores typing in rooms
    const now = Date.now();
    if (now - (this.typingSent.get(convId) ?? 0) < TYPING_EVERY_MS) return;
    if (this.conn.send({ type: 'typing', conv: convId })) this.typingSent.set(convId, now);
  }
}
