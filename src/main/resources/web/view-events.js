// UI events of a View: forms, buttons, keys and scrolling, bound once per login.
// Methods of View (views.js mixes them into its prototype; `this` is the view).

import { USER_ID, directId } from './client.js';
import { $ } from './view-dom.js';

export class EventMethods {

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

    this.bindComposer();
    this.bindSearch();
    this.bindNotify();
    this.bindGroup();
    this.bindRooms();

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
      else if (action === 'edit') this.startEdit(Number(seq));
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
}
