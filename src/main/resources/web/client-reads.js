// Acks (coalesced delivery cursors) and read markers of a ChatClient.
// Methods of ChatClient (client.js mixes them into its prototype; `this` is the client).

const ACK_DELAY_MS = 1_000;
const READ_DELAY_MS = 150;

export class ReadMethods {

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

  /** A device of `user` holds `conv` up to seq: our messages up to it show a double tick. */
  onDelivered(f) {
    if (typeof f.seq !== 'number' || f.user === this.me) return;
    const c = this.conv(f.conv);
    c.deliveredTo.set(f.user, Math.max(c.deliveredTo.get(f.user) ?? 0, f.seq));
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
}
