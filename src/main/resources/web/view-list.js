// The conversation list of a View, with the connection status and the own profile above it.
// Methods of View (views.js mixes them into its prototype; `this` is the view).

import { $, el, clock, initial, lastSeen, reconcile } from './view-dom.js';

export class ListMethods {

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
    // Initials only, never the avatar URL: see the note in renderList.
    $('me-avatar').textContent = initial(p?.nickname || c.me);
  }

  title(conv) {
    const c = this.client;
    if (conv.kind === 'direct') {
      // The peer's profile is the freshest name; the server's conv_state title (their nickname
      // when the conversation was described) stands in until it loads, or if it cannot.
      c.loadProfile(conv.peer);
      return c.profile(conv.peer)?.nickname || conv.title || conv.peer;
    }
    if (conv.kind === 'room') return `#${conv.id.slice(2)}`;
    return conv.title || (conv.kind === 'group' ? 'Group' : conv.id);
  }

  preview(conv) {
    const m = conv.last;
    if (!m) return conv.lastSeq > 0 ? '' : 'No messages yet';
    const who = m.from === this.client.me ? 'You: ' : conv.kind === 'direct' ? '' : `${this.client.displayName(m.from)}: `;
    if (m.kind === 'system') return this.systemText(m);
    if (m.kind === 'recall') return `${who}withdrew a message`;
    if (m.kind === 'edit') return `${who}${typeof m.body?.text === 'string' ? m.body.text : ''} (edited)`;
    if (conv.recalled.has(m.seq)) return 'Message withdrawn';
    return `${who}${typeof m.body === 'string' ? m.body : ''}`;
  }

  renderList() {
    const c = this.client;
    const convs = [...c.convs.values()]
      .filter((v) => !v.left && (v.kind === 'room' ? v.joined : v.lastSeq > 0 || v.touched > 0 || v.id === c.openId))
      .sort((a, b) => b.sortKey - a.sortKey || (a.id < b.id ? -1 : 1));
    const items = convs.map((v) => {
      const title = this.title(v);
      const presence = v.kind === 'direct' ? c.presence.get(v.peer) : null;
      const preview = this.preview(v);
      const unread = v.unread;
      const open = v.id === c.openId;
      const when = clock(v.last?.ts);
      return {
        key: v.id,
        conv: v,
        title,
        presence,
        preview,
        unread,
        open,
        when,
        sig: JSON.stringify([title, presence?.state, preview, unread, open, when, v.kind]),
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
        // A profile's avatar is a URL on any host: loading it would tell that host the IP of
        // whoever sees the list, and when (a tracking pixel). Initials instead; the page's CSP
        // (img-src 'self' data:) refuses remote images anyway.
        button.replaceChildren(
          el('span', { class: `avatar ${item.conv.kind}`, 'aria-hidden': 'true', text: initial(item.title) }),
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
              item.conv.kind !== 'direct' ? el('span', { class: 'tag', text: item.conv.kind }) : null,
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
}
