// People search in the contacts panel of a View: results as the user types (min 2 characters,
// as the server asks), each with a friend request and a direct chat; More pages on.
// Methods of View (views.js mixes them into its prototype; `this` is the view).

import { directId } from './client.js';
import { $, el, reconcile, setChildren } from './view-dom.js';

const MIN_CHARS = 2; // parley.people.min-query-chars
const TYPING_PAUSE_MS = 300; // one search per pause in typing, not per key

export class SearchMethods {

  bindSearch() {
    this.search = { q: '', users: [], cursor: null, timer: null, seq: 0 };
    const input = $('people-q');
    this.on($('people-search'), 'submit', (e) => {
      e.preventDefault();
      this.runSearch(false);
    });
    this.on(input, 'input', () => {
      clearTimeout(this.search.timer);
      this.search.timer = setTimeout(() => this.runSearch(false), TYPING_PAUSE_MS);
    });
    this.on($('people-more'), 'click', () => this.runSearch(true));
    this.on($('people-results'), 'click', async (e) => {
      const button = e.target.closest('button[data-op]');
      if (!button) return;
      const { op, user } = button.dataset;
      if (op === 'chat') return this.openConversation(directId(this.client.me, user));
      try {
        await this.client.contactOp(op, user);
        this.toast(`Friend request sent to ${this.client.displayName(user)}.`);
      } catch (err) {
        this.toast(err.message, 'error');
      }
    });
  }

  async runSearch(more) {
    const s = this.search;
    const q = $('people-q').value.trim();
    if (!more && q === s.q && s.users.length) return;
    const seq = ++s.seq; // a slower answer to an older query is dropped
    if (q.length < MIN_CHARS) {
      Object.assign(s, { q, users: [], cursor: null });
      $('people-status').textContent = q ? `Type at least ${MIN_CHARS} characters.` : '';
      return this.renderSearch();
    }
    $('people-status').textContent = 'Searching…';
    try {
      const page = await this.client.findPeople(q, more ? s.cursor : null);
      if (seq !== s.seq) return;
      const users = more ? [...s.users, ...page.users] : page.users;
      Object.assign(s, { q, users, cursor: page.cursor });
      $('people-status').textContent = users.length ? '' : `Nobody found for "${q}".`;
    } catch (err) {
      if (seq === s.seq) $('people-status').textContent = `Could not search: ${err.message}`;
    }
    this.renderSearch();
  }

  renderSearch() {
    const c = this.client;
    const { friends, pending_out, pending_in } = c.contacts;
    const relation = (user) => {
      if (user === c.me) return 'you';
      if (friends.includes(user)) return 'friend';
      if (pending_out.includes(user)) return 'requested';
      if (pending_in.includes(user)) return 'asks you';
      return null;
    };
    const items = this.search.users.map((u) => {
      const state = relation(u.user);
      return { key: u.user, user: u.user, nickname: u.nickname, state, sig: JSON.stringify([u.nickname, state]) };
    });
    reconcile($('people-results'), items, () => el('li'), (node, item) => {
      const name = item.nickname && item.nickname !== item.user ? `${item.nickname} (${item.user})` : item.user;
      setChildren(node,
        el('span', { class: 'person', text: name }),
        item.state ? el('span', { class: 'state', text: item.state }) : null,
        item.user === c.me
          ? null
          : el(
              'span',
              { class: 'actions' },
              item.state
                ? null
                : el('button', { type: 'button', class: 'small', dataset: { op: 'friend_request', user: item.user }, text: 'Add friend', 'aria-label': `Add ${item.user} as a friend` }),
              el('button', { type: 'button', class: 'small', dataset: { op: 'chat', user: item.user }, text: 'Chat', 'aria-label': `Chat with ${item.user}` }),
            ),
      );
    });
    $('people-more').hidden = !this.search.cursor;
  }
}
