// Group management: the owner renames the group and makes a member admin; the admin removes
// a member; each sees only the actions they may take (docs/protocol.md "Groups").
// Run by run.mjs; by hand: PARLEY_BASE_URL=http://127.0.0.1:8080/ node groups.spec.mjs

import {
  CONTEXT, step, check, waitFor, newPage, register, sendMessage, waitLastText, screenshot, runSpec, unique,
} from './lib.mjs';

await runSpec('groups', async (browser) => {
  const owner = unique('go');
  const admin = unique('ga');
  const member = unique('gm');
  const [o, a, m] = await Promise.all([owner, admin, member].map(async (user) => newPage(await browser.newContext(CONTEXT), user)));
  const actions = (page) => page.$$eval('#group-members button[data-op]', (bs) => bs.map((b) => `${b.dataset.op}:${b.dataset.user}`).sort());
  const managing = (page) => page.evaluate(() => ({
    rename: !document.getElementById('rename-form').hidden,
    invite: !document.getElementById('invite-form').hidden,
  }));
  const openGroup = async (page) => {
    await page.click('#conv-list button[data-conv^="g:"]');
    await page.click('#group-menu summary');
    await page.waitForSelector('#group-members li');
  };
  const titled = (page, title) => waitFor(page, (t) => document.getElementById('chat-title').textContent === t, title);

  await step('three register; the owner makes a group with the other two', async () => {
    await Promise.all([register(o, owner, 'Olga'), register(a, admin, 'Adam'), register(m, member, 'Mia')]);
    await o.click('#new-group-box summary');
    await o.fill('#new-group-title', 'Team');
    await o.fill('#new-group-members', `${admin}, ${member}`);
    await o.getByRole('button', { name: 'Create group' }).click();
    await o.waitForSelector('#chat:not([hidden])');
    await sendMessage(o, 'welcome, team');
    for (const page of [a, m]) {
      await openGroup(page);
      await waitLastText(page, 'welcome, team');
    }
    await o.click('#group-menu summary');
  });

  await step('a member sees no management; the owner sees rename, invite, roles and removal', async () => {
    check(JSON.stringify(await managing(m)) === '{"rename":false,"invite":false}', 'a member cannot rename or invite');
    check((await actions(m)).length === 0, `a member has no actions on others (${await actions(m)})`);
    check(JSON.stringify(await managing(o)) === '{"rename":true,"invite":true}', 'the owner can rename and invite');
    const want = [`kick:${admin}`, `kick:${member}`, `make-admin:${admin}`, `make-admin:${member}`].sort();
    check(JSON.stringify(await actions(o)) === JSON.stringify(want), `the owner may change roles and remove (${await actions(o)})`);
  });

  await step('the owner renames the group; everyone sees the new name', async () => {
    await o.fill('#rename-title', 'Team Two');
    await o.getByRole('button', { name: 'Rename' }).click();
    await Promise.all([o, a, m].map((page) => titled(page, 'Team Two')));
  });

  await step('the owner makes Adam admin; he may then remove members, but not the owner', async () => {
    await o.click('#group-menu summary');
    await o.click(`#group-members button[data-op="make-admin"][data-user="${admin}"]`);
    await o.waitForSelector(`#group-members button[data-op="make-member"][data-user="${admin}"]`);
    await waitFor(a, () => !document.getElementById('rename-form').hidden);
    check(JSON.stringify(await actions(a)) === JSON.stringify([`kick:${member}`]), `an admin removes members only (${await actions(a)})`);
    check(!/null|undefined/.test(await a.textContent('#group-members')), 'no "null" among the members');
    await screenshot(a, 'group-admin');
  });

  await step('a member added later sees everyone\'s role, though not the entries that set them', async () => {
    const late = unique('gl');
    const l = await newPage(await browser.newContext(CONTEXT), late);
    await register(l, late, 'Lea');
    await o.fill('#invite-users', late);
    await o.getByRole('button', { name: 'Invite' }).click();
    await openGroup(l);
    const want = JSON.stringify([`${owner}:owner`, `${admin}:admin`, `${member}:member`, `${late}:member`].sort());
    await waitFor(l, (w) => JSON.stringify([...document.querySelectorAll('#group-members li')]
      .map((li) => `${li.dataset.user}:${li.dataset.role}`).sort()) === w, want);
    check(JSON.stringify(await managing(l)) === '{"rename":false,"invite":false}', 'the newcomer is a member');
  });

  await step('the owner reloads with the group\'s first entry a page away: her controls show', async () => {
    for (let i = 0; i < 60; i++) await sendMessage(o, `filler ${i}`);
    await waitLastText(o, 'filler 59');
    await o.reload();
    await waitFor(o, () => document.getElementById('conn-status')?.dataset.state === 'online');
    await openGroup(o);
    await waitFor(o, () => !document.getElementById('rename-form').hidden);
    await waitFor(o, (u) => document.querySelector(`#group-members li[data-user="${u}"]`)?.dataset.role === 'admin', admin);
  });

  await step('the admin removes Mia: she is told, and can send no more', async () => {
    await a.click(`#group-members button[data-op="kick"][data-user="${member}"]`);
    await waitFor(a, (u) => !document.querySelector(`#group-members button[data-user="${u}"]`), member);
    await m.waitForSelector('#composer', { state: 'hidden' });
    await waitFor(m, () => /removed you/.test([...document.querySelectorAll('#messages .notice')].at(-1)?.textContent ?? ''));
    await waitFor(m, () => !document.querySelector('#conv-list button[data-conv^="g:"]'));
  });
});
