// Group management in a View's chat header: members with their roles (the server's members
// list and the user's own role from conv_state: client-groups.js), and only the actions
// the user may take (docs/protocol.md "Groups": the owner and admins invite, rename and remove;
// admins do not remove admins; nobody removes the owner; only the owner changes roles).
// Methods of View (views.js mixes them into its prototype; `this` is the view).

import { USER_ID } from './client.js';
import { $, el, reconcile, setChildren } from './view-dom.js';

const ROLE_LABEL = { owner: 'owner', admin: 'admin', member: '' };

export class GroupViewMethods {

  bindGroup() {
    const c = this.client;
    const run = async (what, fn) => {
      try {
        await fn();
        return true;
      } catch (err) {
        this.toast(`Could not ${what}: ${err.message}`, 'error');
        return false;
      }
    };
    this.on($('invite-form'), 'submit', async (e) => {
      e.preventDefault();
      const users = $('invite-users').value.split(/[\s,]+/).map((s) => s.trim().toLowerCase()).filter(Boolean);
      const bad = users.find((u) => !USER_ID.test(u));
      if (!users.length || bad) return this.toast('List user ids to invite.', 'error');
      if (await run('invite', () => c.invite(c.openId, users))) $('invite-users').value = '';
    });
    this.on($('rename-form'), 'submit', async (e) => {
      e.preventDefault();
      const title = $('rename-title').value.trim();
      if (!title) return this.toast('Give the group a name.', 'error');
      if (await run('rename the group', () => c.rename(c.openId, title))) $('group-menu').open = false;
    });
    this.on($('group-members'), 'click', (e) => {
      const button = e.target.closest('button[data-op]');
      if (!button) return;
      const { op, user } = button.dataset;
      if (op === 'kick') run(`remove ${user}`, () => c.kick(c.openId, user));
      else run(`change the role of ${user}`, () => c.setRole(c.openId, user, op === 'make-admin' ? 'admin' : 'member'));
    });
    this.on($('leave-button'), 'click', async () => {
      if (await run('leave', () => c.leave(c.openId))) this.closeConversation();
    });
  }

  renderGroup(conv) {
    const menu = $('group-menu');
    menu.hidden = conv.kind !== 'group';
    if (conv.kind !== 'group') return;
    const c = this.client;
    const roles = c.roster(conv);
    const mine = roles.get(c.me);
    const manages = mine === 'owner' || mine === 'admin';
    menu.dataset.role = mine;
    $('invite-form').hidden = !manages;
    $('rename-form').hidden = !manages;
    if (document.activeElement !== $('rename-title')) $('rename-title').value = conv.title ?? '';
    const mayKick = (role) => role !== 'owner' && (mine === 'owner' || (mine === 'admin' && role === 'member'));
    const items = [...roles]
      .sort(([a, ra], [b, rb]) => rank(ra) - rank(rb) || (a < b ? -1 : 1))
      .map(([user, role]) => {
        const actions = [];
        if (user !== c.me && mine === 'owner' && role !== 'owner') {
          actions.push(role === 'admin' ? ['make-member', 'Make member'] : ['make-admin', 'Make admin']);
        }
        if (user !== c.me && mayKick(role)) actions.push(['kick', 'Remove']);
        const name = c.displayName(user);
        return { key: user, user, role, name, actions, sig: JSON.stringify([name, role, actions]) };
      });
    reconcile($('group-members'), items, () => el('li'), (node, item) => {
      node.dataset.user = item.user;
      node.dataset.role = item.role;
      setChildren(node,
        el('span', { class: 'person', text: item.user === c.me ? `${item.name} (you)` : item.name }),
        ROLE_LABEL[item.role] ? el('span', { class: 'tag', text: ROLE_LABEL[item.role] }) : null,
        el('span', { class: 'actions' }, item.actions.map(([op, label]) =>
          el('button', { type: 'button', class: op === 'kick' ? 'danger small' : 'small', dataset: { op, user: item.user }, text: label, 'aria-label': `${label} ${item.user}` }))),
      );
    });
  }
}

function rank(role) {
  return role === 'owner' ? 0 : role === 'admin' ? 1 : 2;
}
