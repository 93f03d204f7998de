// The open chat of a View: its header, its messages (keyed, reused) and their states.
// Methods of View (views.js mixes them into its prototype; `this` is the view).

import { $, el, clock, lastSeen, reconcile } from './view-dom.js';
import { richText } from './view-text.js';

const STATE_LABEL = { sending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not sent' };
const STATE_MARK = { sending: '◷', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' };

export class ChatMethods {

  /**
   * The state of one of our own messages: sending, sent (stored: one tick), delivered (a device
   * of the peer holds it, the server's `delivered`: two ticks) or read (two ticks in colour).
   */
  ownState(conv, seq, item) {
    if (item && item.state !== 'sent') return item.state;
    if (conv.readByOthers(seq, this.client.me).length > 0) return 'read';
    return conv.deliveredToOthers(seq, this.client.me) ? 'delivered' : 'sent';
  }

  messageItems(conv) {
    const c = this.client;
    const me = c.me;
    const items = [];
    const rows = [];
    for (const m of conv.entries.values()) rows.push({ seq: m.seq, m });
    for (const item of c.outbox) {
      if (item.conv !== conv.id || item.kind !== 'text') continue;
      if (item.seq && conv.entries.has(item.seq)) continue;
      rows.push({ seq: item.seq ?? Number.MAX_SAFE_INTEGER, item });
    }
    rows.sort((a, b) => a.seq - b.seq || (a.item?.ts ?? 0) - (b.item?.ts ?? 0));
    for (const { m, item } of rows) {
      if (m && (m.kind === 'recall' || m.kind === 'edit')) continue; // shown on their targets
      if (m && m.kind === 'system') {
        const text = this.systemText(m);
        items.push({ key: `s${m.seq}`, type: 'notice', seq: m.seq, text, sig: `n|${text}` });
        continue;
      }
      const mine = item ? true : m.from === me;
      const seq = m ? m.seq : item.seq;
      const key = mine ? `c${m ? m.cid : item.cid}` : `s${seq}`;
      if (m && conv.recalled.has(m.seq)) {
        items.push({ key, type: 'recalled', seq, mine, sig: 'recalled' });
        continue;
      }
      const edit = m ? conv.edits.get(m.seq) : null;
      const body = edit ? edit.text : m ? (typeof m.body === 'string' ? m.body : '') : item.body;
      const ts = m ? m.ts : item.ts;
      const from = m ? m.from : me;
      const state = mine ? this.ownState(conv, seq, m ? null : item) : null;
      const sender = !mine && conv.kind !== 'direct' ? c.displayName(from) : null;
      const readers = state === 'read' && conv.kind === 'group' ? conv.readByOthers(seq, me).map((u) => c.displayName(u)) : null;
      items.push({
        key,
        type: 'msg',
        seq,
        mine,
        body,
        ts,
        from,
        sender,
        state,
        readers,
        cid: m ? m.cid : item.cid,
        stored: !!m,
        edited: !!edit,
        error: item?.error,
        code: item?.code,
        sig: JSON.stringify([seq, body, clock(ts), state, sender, readers, item?.error, !!m, !!edit]),
      });
    }
    return items;
  }

  renderChat() {
    const c = this.client;
    const conv = c.openId ? c.convs.get(c.openId) : null;
    document.body.classList.toggle('chat-open', !!conv);
    $('chat').hidden = !conv;
    $('no-chat').hidden = !!conv;
    if (!conv) {
      this.openShown = null;
      return;
    }
    const justOpened = this.openShown !== conv.id;
    this.openShown = conv.id;

    const title = this.title(conv);
    $('chat-title').textContent = title;
    const dot = $('chat-dot');
    let sub = '';
    if (conv.kind === 'direct') {
      const p = c.presence.get(conv.peer);
      dot.hidden = false;
      dot.className = `dot ${p?.state ?? 'unknown'}`;
      const who = title !== conv.peer ? `@${conv.peer}` : '';
      sub = [who, lastSeen(p)].filter(Boolean).join(' · ');
    } else if (conv.kind === 'room') {
      dot.hidden = true;
      sub = 'Room · live: anyone may join';
    } else {
      dot.hidden = true;
      const n = conv.members?.size;
      sub = n ? `Group · ${n} ${n === 1 ? 'member' : 'members'}` : 'Group';
      if (conv.left) sub = 'You are no longer a member of this group';
    }
    $('chat-sub').textContent = sub;
    this.renderGroup(conv);
    this.renderRoom(conv);
    $('composer').hidden = !!conv.left;

    const typing = c.typingIn(conv).map((u) => c.displayName(u));
    $('typing').textContent = typing.length ? `${typing.join(', ')} ${typing.length > 1 ? 'are' : 'is'} typing…` : '';

    $('history-status').textContent = conv.loading
      ? 'Loading…'
      : conv.atStart
        ? 'This is the beginning of the conversation.'
        : '';

    const scroller = $('messages-scroll');
    const list = $('messages');
    const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
    const firstBefore = list.firstElementChild?.dataset.key;
    const heightBefore = scroller.scrollHeight;
    const topBefore = scroller.scrollTop;
    if (justOpened) list.replaceChildren();

    reconcile(
      list,
      this.messageItems(conv),
      (item) => el('li'),
      (node, item) => this.fillMessage(node, item),
    );

    const prepended = !justOpened && firstBefore && list.firstElementChild?.dataset.key !== firstBefore;
    if (justOpened || this.stickToBottom || (atBottom && !prepended)) {
      scroller.scrollTop = scroller.scrollHeight;
      this.stickToBottom = false;
      this.atBottom = true;
    } else if (prepended) {
      scroller.scrollTop = topBefore + (scroller.scrollHeight - heightBefore);
    }
    // Not enough to scroll yet: fetch older ones until there is (or there are no more).
    if (!conv.atStart && !conv.loading && conv.entries.size > 0 && scroller.scrollHeight <= scroller.clientHeight + 80) {
      c.loadOlder(conv);
    }
  }

  fillMessage(node, item) {
    node.dataset.seq = item.seq ?? '';
    if (item.type === 'notice') {
      node.className = 'notice';
      node.replaceChildren(el('span', { text: item.text }));
      return;
    }
    if (item.type === 'recalled') {
      node.className = `msg recalled ${item.mine ? 'mine' : 'theirs'}`;
      node.replaceChildren(el('div', { class: 'bubble' }, el('p', { class: 'text', text: 'Message withdrawn' })));
      return;
    }
    node.className = `msg ${item.mine ? 'mine' : 'theirs'}`;
    if (item.state) node.dataset.state = item.state;
    else delete node.dataset.state;
    const stateTitle = item.readers?.length ? `Read by ${item.readers.join(', ')}` : STATE_LABEL[item.state];
    node.replaceChildren(
      el(
        'div',
        { class: 'bubble' },
        item.sender ? el('span', { class: 'from', text: item.sender }) : null,
        el('p', { class: 'text' }, richText(item.body)),
        el(
          'span',
          { class: 'meta' },
          item.edited ? el('span', { class: 'edited', text: '(edited)' }) : null,
          el('time', { datetime: item.ts ? new Date(item.ts).toISOString() : null, text: clock(item.ts) }),
          item.state
            ? el('span', { class: `tick ${item.state}`, title: stateTitle },
                el('span', { 'aria-hidden': 'true', text: STATE_MARK[item.state] }),
                el('span', { class: 'visually-hidden', text: stateTitle }))
            : null,
          item.mine && item.stored
            ? el('button', { type: 'button', class: 'link recall', dataset: { action: 'edit', seq: String(item.seq) }, text: 'Edit' })
            : null,
          item.mine && item.stored
            ? el('button', { type: 'button', class: 'link recall', dataset: { action: 'recall', seq: String(item.seq) }, text: 'Recall' })
            : null,
        ),
        item.state === 'failed'
          ? el(
              'span',
              { class: 'failed', role: 'alert', dataset: { code: item.code ?? '' } },
              `Not sent: ${item.error ?? 'error'}. `,
              el('button', { type: 'button', class: 'link', dataset: { action: 'retry', cid: item.cid }, text: 'Retry' }),
              ' ',
              el('button', { type: 'button', class: 'link', dataset: { action: 'discard', cid: item.cid }, text: 'Discard' }),
            )
          : null,
      ),
    );
  }
}
