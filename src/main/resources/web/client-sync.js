// The socket protocol of a ChatClient: hello, requests with a rid and their replies, the
// history request queue and the dispatch of incoming frames (docs/protocol.md 2-6).
// Methods of ChatClient (client.js mixes them into its prototype; `this` is the client).

// History requests out at once: the server refuses more than parley.session.max-history-in-flight
// (4) with rate_limited, and budgets them per second; a refused one is asked again later.
const HISTORY_IN_FLIGHT = 3;
const HISTORY_RETRY_MS = 1_000;
const HISTORY_TRIES = 4;

export class SyncMethods {

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
      case 'delivered':
        this.onDelivered(f);
        break;
      case 'typing':
        this.onTyping(f);
        break;
      case 'presence':
        this.onPresence(f);
        break;
      case 'presence_list':
        this.onPresenceList(f);
        break;
      case 'contacts':
        this.contacts = {
          friends: f.friends ?? [],
          pending_in: f.pending_in ?? [],
          pending_out: f.pending_out ?? [],
          blocked: f.blocked ?? [],
        };
        this.contactsLoaded = true;
        this.askUnlistedPresence();
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
    this.rejoinRooms();
  }

  onSynced() {
    this.synced = true;
    for (const c of this.convs.values()) {
      if (c.left || c.kind === 'room') continue;
      c.roles = null; // entries missed while away may not all be pushed: ask again when shown

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
    if (this.presenceListFailed(f)) return;
    if (f.code === 'unavailable') this.toast('The server asked us to reconnect…');
    else if (f.code !== 'forbidden') this.toast(f.message || f.code, 'error');
  }
}
