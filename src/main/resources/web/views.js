// Rendering and UI events. The DOM is derived from the ChatClient's state on every change;
// list items are keyed (by conversation id, by seq or by cid for our own messages) and
// reused, so focus, scroll position and screen-reader context survive updates.

import { USER_ID, directId } from './client.js';

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

function clock(ts) {
  if (!ts) return '';
  const d = new Date(ts);
  const today = new Date();
  return d.toDateString() === today.toDateString()
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

function lastSeen(p) {
  if (!p) return '';
  if (p.state === 'online') return 'online';
  return p.lastSeen ? `last seen ${clock(p.lastSeen)}` : 'offline';
}

/** Makes `container`'s children the given keyed nodes, in order, reusing existing ones. */
function reconcile(container, items, create, update) {
  const existing = new Map();
  for (const node of container.children) existing.set(node.dataset.key, node);
  let index = 0;
  for (const item of items) {
    let node = existing.get(item.key);
    if (node) existing.delete(item.key);
    else {
      node = create(item);
      node.dataset.key = item.key;
    }
    if (node.dataset.sig !== item.sig) {
      update(node, item);
      node.dataset.sig = item.sig;
    }
    const at = container.children[index];
    if (at !== node) container.insertBefore(node, at ?? null);
    index++;
  }
  for (const node of existing.values()) node.remove();
}

const STATE_LABEL = { sending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not sent' };
const STATE_MARK = { sending: '◷', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' };

export class View {
  constructor(client, { onLogout }) {
    this.client = client;
    this.onLogout = onLogout;
    this.openShown = null;
    this.listeners = [];
    this.bind();
    this.client.addEventListener('change', () => this.render());
    this.client.addEventListener('toast', (e) => this.toast(e.detail.text, e.detail.kind));
    // Screen readers hear new messages of the open chat (not every history page loaded).
    this.client.addEventListener('incoming', (e) => {
      const m = e.detail;
      if (m.conv === this.client.openId) $('announcer').textContent = `${this.client.displayName(m.from)}: ${m.body}`;
    });
    this.ticker = setInterval(() => this.render(), 30_000); // "last seen" and typing expiry
  }

  destroy() {
    clearInterval(this.ticker);
    for (const [target, type, fn] of this.listeners) target.removeEventListener(type, fn);
    document.title = 'Parley';
    for (const id of ['conv-list', 'messages', 'friends', 'pending-in', 'pending-out', 'blocked', 'toasts', 'announcer']) {
      $(id).replaceChildren();
    }
    document.body.classList.remove('chat-open');
  }

  on(target, type, fn) {
    target.addEventListener(type, fn);
    this.listeners.push([target, type, fn]);
  }

  // ---- events ----------------------------------------------------------------------------

  bind() {
    const c = this.client;
    $('device-id').textContent = c.device;
    $('profile-user').textContent = c.me;
    this.on($('logout-button'), 'click', () => this.onLogout());

    for (const tab of document.querySelectorAll('.tab')) {
      this.on(tab, 'click', () => this.showPanel(tab.dataset.panel));
    }

    this.on($('new-direct'), 'submit', async (e) => {
      e.preventDefault();
      const input = $('new-direct-user');
      const user = input.value.trim().toLowerCase();
      if (!USER_ID.test(user)) return this.toast('A user id is 3-32 characters of a-z 0-9 _ . -', 'error');
      if (user === c.me) return this.toast('That is you.', 'error');
      try {
        if (!(await c.userExists(user))) return this.toast(`No user "${user}".`, 'error');
      } catch (err) {
        return this.toast(`Could not check that user: ${err.message}`, 'error');
      }
      input.value = '';
      this.openConversation(directId(c.me, user));
    });

    this.on($('new-group'), 'submit', async (e) => {
      e.preventDefault();
      const title = $('new-group-title').value.trim();
      const members = $('new-group-members').value.split(/[\s,]+/).map((s) => s.trim().toLowerCase()).filter(Boolean);
      if (!title) return this.toast('Give the group a name.', 'error');
      const bad = members.find((m) => !USER_ID.test(m));
      if (bad) return this.toast(`"${bad}" is not a user id.`, 'error');
      try {
        const conv = await c.createGroup(title, members);
        $('new-group').reset();
        $('new-group-box').open = false;
        this.openConversation(conv);
      } catch (err) {
        this.toast(`Could not create the group: ${err.message}`, 'error');
      }
    });

    this.on($('conv-list'), 'click', (e) => {
      const button = e.target.closest('button[data-conv]');
      if (button) this.openConversation(button.dataset.conv);
    });

    this.on($('back-button'), 'click', () => this.closeConversation());
    this.on($('chat'), 'keydown', (e) => {
      if (e.key === 'Escape') this.closeConversation();
    });

    const input = $('composer-input');
    this.on($('composer'), 'submit', (e) => {
      e.preventDefault();
      this.sendComposer();
    });
    this.on(input, 'keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.sendComposer();
      }
    });
    this.on(input, 'input', () => {
      this.autosize();
      if (c.openId && input.value.trim()) c.typing(c.openId);
    });

    const scroller = $('messages-scroll');
    this.on(scroller, 'scroll', () => {
      this.atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
      this.maybeLoadOlder();
    });
    // A narrower window (a phone turned, a keyboard shown) keeps the newest message in view.
    this.on(window, 'resize', () => {
      if (this.atBottom) scroller.scrollTop = scroller.scrollHeight;
    });
    this.on($('messages'), 'click', (e) => {
      const button = e.target.closest('button[data-action]');
      if (!button) return;
      const { action, cid, seq } = button.dataset;
      if (action === 'retry') c.retry(cid);
      else if (action === 'discard') c.discard(cid);
      else if (action === 'recall') c.recall(c.openId, Number(seq));
    });

    this.on($('invite-form'), 'submit', async (e) => {
      e.preventDefault();
      const users = $('invite-users').value.split(/[\s,]+/).map((s) => s.trim().toLowerCase()).filter(Boolean);
      const bad = users.find((u) => !USER_ID.test(u));
      if (!users.length || bad) return this.toast('List user ids to invite.', 'error');
      try {
        await c.invite(c.openId, users);
        $('invite-users').value = '';
        $('group-menu').open = false;
      } catch (err) {
        this.toast(`Could not invite: ${err.message}`, 'error');
      }
    });
    this.on($('leave-button'), 'click', async () => {
      try {
        await c.leave(c.openId);
        this.closeConversation();
      } catch (err) {
        this.toast(`Could not leave: ${err.message}`, 'error');
      }
    });

    this.on($('contact-form'), 'submit', async (e) => {
      e.preventDefault();
      const op = e.submitter?.value || 'friend_request';
      const user = $('contact-user').value.trim().toLowerCase();
      if (!USER_ID.test(user)) return this.toast('A user id is 3-32 characters of a-z 0-9 _ . -', 'error');
      try {
        await c.contactOp(op, user);
        $('contact-user').value = '';
        this.toast(op === 'block' ? `Blocked ${user}.` : `Friend request sent to ${user}.`);
      } catch (err) {
        this.toast(err.message, 'error');
      }
    });
    this.on($('contacts-panel'), 'click', async (e) => {
      const button = e.target.closest('button[data-op]');
      if (!button) return;
      const { op, user } = button.dataset;
      if (op === 'chat') return this.openConversation(directId(c.me, user));
      try {
        await c.contactOp(op, user);
      } catch (err) {
        this.toast(err.message, 'error');
      }
    });

    this.on($('profile-form'), 'submit', async (e) => {
      e.preventDefault();
      const nickname = $('profile-nickname').value.trim();
      const avatar = $('profile-avatar').value.trim();
      $('profile-status').textContent = 'Saving…';
      try {
        await c.updateProfile({ nickname, avatar });
        $('profile-status').textContent = 'Saved.';
      } catch (err) {
        $('profile-status').textContent = `Not saved: ${err.message}`;
      }
    });
  }

  showPanel(id) {
    for (const tab of document.querySelectorAll('.tab')) {
      tab.setAttribute('aria-pressed', String(tab.dataset.panel === id));
    }
    for (const panel of document.querySelectorAll('.panel')) panel.hidden = panel.id !== id;
    if (id === 'profile-panel') this.fillProfileForm();
    if (id === 'contacts-panel') this.client.refreshContacts();
  }

  fillProfileForm() {
    const p = this.client.profile(this.client.me);
    $('profile-nickname').value = p?.nickname ?? '';
    $('profile-avatar').value = p?.avatar ?? '';
    $('profile-status').textContent = '';
  }

  openConversation(id) {
    this.showPanel('chats-panel');
    this.client.open(id);
    this.render();
    $('composer-input').focus();
  }

  closeConversation() {
    const id = this.client.openId;
    this.client.close();
    this.render();
    const button = id && document.querySelector(`#conv-list button[data-conv="${CSS.escape(id)}"]`);
    (button || $('new-direct-user')).focus();
  }

  sendComposer() {
    const input = $('composer-input');
    const text = input.value.trim();
    if (!text || !this.client.openId) return;
    this.client.sendText(this.client.openId, text);
    input.value = '';
    this.autosize();
    this.stickToBottom = true;
  }

  autosize() {
    const input = $('composer-input');
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  }

  maybeLoadOlder() {
    const scroller = $('messages-scroll');
    const c = this.client.openId && this.client.convs.get(this.client.openId);
    if (c && scroller.scrollTop < 80) this.client.loadOlder(c);
  }

  toast(text, kind = 'info') {
    const note = el('p', { class: `toast ${kind}`, text });
    $('toasts').append(note);
    setTimeout(() => note.remove(), kind === 'error' ? 8_000 : 5_000);
  }

  // ---- rendering -------------------------------------------------------------------------

  render() {
    this.renderStatus();
    this.renderMe();
    this.renderList();
    this.renderChat();
    this.renderContacts();
  }

  renderStatus() {
    const { state, retryAt } = this.client.status;
    const node = $('conn-status');
    const text = {
      online: 'Online',
      connecting: 'Connecting…',
      offline: 'Offline: waiting for the network',
      waiting: `Reconnecting${retryAt ? ` in ${Math.max(1, Math.round((retryAt - Date.now()) / 1000))} s` : '…'}`,
      stopped: 'Disconnected',
    }[state] ?? state;
    node.dataset.state = state;
    if (node.textContent !== text) node.textContent = text;
  }

  renderMe() {
    const c = this.client;
    const p = c.profile(c.me);
    $('me-name').textContent = p?.nickname && p.nickname !== c.me ? `${p.nickname} (${c.me})` : c.me;
    const img = $('me-avatar');
    if (p?.avatar) {
      if (img.getAttribute('src') !== p.avatar) img.src = p.avatar;
      img.hidden = false;
    } else {
      img.hidden = true;
      img.removeAttribute('src');
    }
  }

  title(conv) {
    const c = this.client;
    if (conv.kind === 'direct') {
      c.loadProfile(conv.peer);
      return c.displayName(conv.peer);
    }
    return conv.title || (conv.kind === 'group' ? 'Group' : conv.id);
  }

  preview(conv) {
    const m = conv.last;
    if (!m) return conv.lastSeq > 0 ? '' : 'No messages yet';
    const who = m.from === this.client.me ? 'You: ' : conv.kind === 'direct' ? '' : `${this.client.displayName(m.from)}: `;
    if (m.kind === 'system') return this.systemText(m);
    if (m.kind === 'recall') return `${who}withdrew a message`;
    if (conv.recalled.has(m.seq)) return 'Message withdrawn';
    return `${who}${typeof m.body === 'string' ? m.body : ''}`;
  }

  renderList() {
    const c = this.client;
    const convs = [...c.convs.values()]
      .filter((v) => !v.left && v.kind !== 'room' && (v.lastSeq > 0 || v.touched > 0 || v.id === c.openId))
      .sort((a, b) => b.sortKey - a.sortKey || (a.id < b.id ? -1 : 1));
    const items = convs.map((v) => {
      const title = this.title(v);
      const presence = v.kind === 'direct' ? c.presence.get(v.peer) : null;
      const preview = this.preview(v);
      const unread = v.unread;
      const open = v.id === c.openId;
      const when = clock(v.last?.ts);
      const avatar = v.kind === 'direct' ? c.profile(v.peer)?.avatar : null;
      return {
        key: v.id,
        conv: v,
        title,
        presence,
        preview,
        unread,
        open,
        when,
        avatar,
        sig: JSON.stringify([title, presence?.state, preview, unread, open, when, v.kind, avatar]),
      };
    });
    reconcile(
      $('conv-list'),
      items,
      (item) => el('li', {}, el('button', { type: 'button', class: 'conv', dataset: { conv: item.conv.id } })),
      (node, item) => {
        const button = node.firstChild;
        if (item.open) button.setAttribute('aria-current', 'true');
        else button.removeAttribute('aria-current');
        const label = `${item.title}${item.unread ? `, ${item.unread} unread` : ''}`;
        button.setAttribute('aria-label', label);
        button.replaceChildren(
          item.avatar
            ? el('img', { class: 'avatar', src: item.avatar, alt: '', referrerpolicy: 'no-referrer' })
            : el('span', { class: `avatar ${item.conv.kind}`, 'aria-hidden': 'true', text: (item.title[0] || '?').toUpperCase() }),
          el(
            'span',
            { class: 'conv-main' },
            el(
              'span',
              { class: 'conv-title' },
              item.conv.kind === 'direct'
                ? el('span', { class: `dot ${item.presence?.state ?? 'unknown'}`, title: lastSeen(item.presence) || 'presence unknown' })
                : null,
              el('span', { class: 'conv-name', text: item.title }),
              item.conv.kind === 'group' ? el('span', { class: 'tag', text: 'group' }) : null,
            ),
            el('span', { class: 'conv-last', text: item.preview }),
          ),
          el(
            'span',
            { class: 'conv-side' },
            el('time', { text: item.when }),
            item.unread > 0 ? el('span', { class: 'badge', text: String(item.unread) }) : null,
          ),
        );
      },
    );
    $('conv-empty').hidden = items.length > 0;
    const unread = items.reduce((n, item) => n + item.unread, 0);
    document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
  }

  systemText(m) {
    const name = (u) => (u === this.client.me ? 'you' : this.client.displayName(u));
    const b = m.body || {};
    const list = (users) => (users || []).map(name).join(', ');
    switch (b.event) {
      case 'created':
        return `${name(b.owner)} created the group "${b.title}"${b.members?.length ? ` with ${list(b.members)}` : ''}`;
      case 'joined':
        return `${name(b.by)} added ${list(b.users)}`;
      case 'left':
        return `${name(b.user)} left${b.owner ? `; ${name(b.owner)} is the owner now` : ''}`;
      case 'kicked':
        return `${name(b.by)} removed ${name(b.user)}`;
      case 'title':
        return `${name(b.by)} renamed the group to "${b.title}"`;
      case 'role':
        return `${name(b.by)} made ${name(b.user)} ${b.role === 'admin' ? 'an admin' : 'a member'}`;
      default:
        return b.event ? `${b.event}` : 'update';
    }
  }

  /** The state of one of our own messages: sending, sent, delivered (pushed back), read. */
  ownState(conv, seq, item) {
    if (item && item.state !== 'sent') return item.state;
    if (conv.readByOthers(seq, this.client.me).length > 0) return 'read';
    return conv.entries.has(seq) ? 'delivered' : 'sent';
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
      if (m && m.kind === 'recall') continue;
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
      const body = m ? (typeof m.body === 'string' ? m.body : '') : item.body;
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
        error: item?.error,
        sig: JSON.stringify([seq, body, clock(ts), state, sender, readers, item?.error]),
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
    } else {
      dot.hidden = true;
      const n = conv.members?.size;
      sub = n ? `Group · ${n} ${n === 1 ? 'member' : 'members'}` : 'Group';
    }
    $('chat-sub').textContent = sub;
    $('group-menu').hidden = conv.kind !== 'group';

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
        el('p', { class: 'text', text: item.body }),
        el(
          'span',
          { class: 'meta' },
          el('time', { datetime: item.ts ? new Date(item.ts).toISOString() : null, text: clock(item.ts) }),
          item.state
            ? el('span', { class: `tick ${item.state}`, title: stateTitle },
                el('span', { 'aria-hidden': 'true', text: STATE_MARK[item.state] }),
                el('span', { class: 'visually-hidden', text: stateTitle }))
            : null,
          item.mine && (item.state === 'delivered' || item.state === 'read')
            ? el('button', { type: 'button', class: 'link recall', dataset: { action: 'recall', seq: String(item.seq) }, text: 'Recall' })
            : null,
        ),
        item.state === 'failed'
          ? el(
              'span',
              { class: 'failed' },
              `Not sent: ${item.error ?? 'error'}. `,
              el('button', { type: 'button', class: 'link', dataset: { action: 'retry', cid: item.cid }, text: 'Retry' }),
              ' ',
              el('button', { type: 'button', class: 'link', dataset: { action: 'discard', cid: item.cid }, text: 'Discard' }),
            )
          : null,
      ),
    );
  }

  renderContacts() {
    const c = this.client;
    const { friends, pending_in, pending_out, blocked } = c.contacts;
    const person = (user, actions, withPresence) => {
      const p = withPresence ? c.presence.get(user) : null;
      const name = c.displayName(user);
      return {
        key: user,
        sig: JSON.stringify([name, p?.state, p?.lastSeen, actions]),
        user,
        name,
        presence: p,
        withPresence,
        actions,
      };
    };
    const fill = (id, list, actions, withPresence) =>
      reconcile(
        $(id),
        list.map((u) => person(u, actions, withPresence)),
        () => el('li'),
        (node, item) =>
          node.replaceChildren(
            item.withPresence ? el('span', { class: `dot ${item.presence?.state ?? 'unknown'}`, title: lastSeen(item.presence) || 'presence unknown' }) : null,
            el('span', { class: 'person', text: item.name !== item.user ? `${item.name} (${item.user})` : item.user }),
            el(
              'span',
              { class: 'actions' },
              item.actions.map(([op, label]) =>
                el('button', { type: 'button', class: op === 'block' ? 'danger small' : 'small', dataset: { op, user: item.user }, text: label, 'aria-label': `${label} ${item.user}` }),
              ),
            ),
          ),
      );
    fill('pending-in', pending_in, [['friend_accept', 'Accept'], ['friend_remove', 'Decline'], ['block', 'Block']], false);
    fill('friends', friends, [['chat', 'Chat'], ['friend_remove', 'Remove'], ['block', 'Block']], true);
    fill('pending-out', pending_out, [['friend_remove', 'Cancel']], false);
    fill('blocked', blocked, [['unblock', 'Unblock']], false);
    const badge = $('contacts-badge');
    badge.hidden = pending_in.length === 0;
    badge.textContent = String(pending_in.length);
    for (const user of [...friends, ...pending_in]) c.loadProfile(user);
  }
}
