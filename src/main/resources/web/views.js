// Rendering and UI events. The DOM is derived from the ChatClient's state on every change;
// list items are keyed (by conversation id, by seq or by cid for our own messages) and
// reused, so focus, scroll position and screen-reader context survive updates.
//
// The class is split by concern: this file holds its lifecycle, UI actions and render();
// the event bindings and the rendering of each part are methods in the view-*.js modules,
// mixed into View.prototype below, so app.js sees one class as before.

import { $, el } from './view-dom.js';
import { EventMethods } from './view-events.js';
import { ListMethods } from './view-list.js';
import { ChatMethods } from './view-chat.js';
import { ContactMethods } from './view-contacts.js';
import { ComposerMethods } from './view-composer.js';
import { SearchMethods } from './view-search.js';
import { NotifyMethods } from './view-notify.js';
import { GroupViewMethods } from './view-group.js';
import { RoomViewMethods } from './view-room.js';

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
    for (const id of ['conv-list', 'messages', 'friends', 'pending-in', 'pending-out', 'blocked', 'people-results', 'group-members', 'toasts', 'announcer']) {
      $(id).replaceChildren();
    }
    document.body.classList.remove('chat-open');
    clearTimeout(this.search?.timer);
    $('people-q').value = '';
    $('people-status').textContent = '';
  }

  on(target, type, fn) {
    target.addEventListener(type, fn);
    this.listeners.push([target, type, fn]);
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
    if (this.client.openId !== id) this.cancelEdit();
    this.showPanel('chats-panel');
    this.client.open(id);
    this.render();
    $('composer-input').focus();
  }

  closeConversation() {
    this.cancelEdit();
    const id = this.client.openId;
    this.client.close();
    this.render();
    const button = id && document.querySelector(`#conv-list button[data-conv="${CSS.escape(id)}"]`);
    (button || $('new-direct-user')).focus();
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
    this.renderSearch();
    this.renderNotify();
  }
}

// Non-enumerable, like methods declared in the class itself.
for (const methods of [EventMethods, ListMethods, ChatMethods, ContactMethods, ComposerMethods, SearchMethods, NotifyMethods, GroupViewMethods, RoomViewMethods]) {
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(methods.prototype))) {
    if (name === 'constructor') continue;
    if (Object.hasOwn(View.prototype, name)) throw new Error(`View.${name} is defined twice`);
    Object.defineProperty(View.prototype, name, descriptor);
  }
}
