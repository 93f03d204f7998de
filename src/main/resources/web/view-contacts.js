// The contacts panel of a View: friends with presence, requests both ways, blocked users.
// Methods of View (views.js mixes them into its prototype; `this` is the view).

import { $, el, lastSeen, reconcile, setChildren } from './view-dom.js';

export class ContactMethods {

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
          setChildren(node,
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
