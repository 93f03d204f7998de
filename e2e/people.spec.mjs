// People: finding someone by the start of their nickname, asking them to be a friend or
// chatting with them from the results, and presence that is right after a reload (the
// presence_list after welcome). Run by run.mjs; by hand:
// PARLEY_BASE_URL=http://127.0.0.1:8080/ node people.spec.mjs

import {
  CONTEXT, step, check, waitFor, waitOnline, newPage, register, screenshot, runSpec, unique,
} from './lib.mjs';

await runSpec('people', async (browser) => {
  const carol = unique('pc');
  const dave = unique('pd');
  const daveNick = `Dåve${dave.slice(3)}`; // unique, and not ASCII: the search lowercases any script
  const ctxC = await browser.newContext(CONTEXT);
  const ctxD = await browser.newContext(CONTEXT);
  const c = await newPage(ctxC, 'carol');
  let d = await newPage(ctxD, 'dave');
  const friendDot = (user) => `#friends li:has(button[data-user="${user}"]) .dot`;

  await step('carol and dave register', async () => {
    await Promise.all([register(c, carol, 'Carol'), register(d, dave, daveNick)]);
  });

  await step('search: carol finds dave by the start of his nickname and asks him to be a friend', async () => {
    await c.getByRole('button', { name: /^Contacts/ }).click();
    await c.fill('#people-q', daveNick.slice(0, 8).toUpperCase());
    const row = `#people-results li:has(button[data-user="${dave}"])`;
    await c.waitForSelector(row);
    check((await c.textContent(row)).includes(`${daveNick} (${dave})`), 'the result names dave by nickname and id');
    await screenshot(c, 'people-search');
    await c.click(`${row} button[data-op="friend_request"]`);
    await c.waitForSelector(`${row} .state:has-text("requested")`);
    await d.getByRole('button', { name: /^Contacts/ }).click();
    await d.click(`#pending-in button[data-op="friend_accept"][data-user="${carol}"]`);
    await c.waitForSelector(`${row} .state:has-text("friend")`);
    await c.click(`${row} button[data-op="chat"]`);
    await c.waitForSelector('#chat:not([hidden])');
    await waitFor(c, (name) => document.getElementById('chat-title').textContent === name, daveNick);
  });

  await step('presence after a reload: carol reloads and sees dave online at once', async () => {
    await c.reload();
    await waitOnline(c);
    await c.getByRole('button', { name: /^Contacts/ }).click();
    await c.waitForSelector(`${friendDot(dave)}.online`);
    await screenshot(c, 'presence-reload');
  });

  await step('presence after a reload: dave leaves; carol reloads and sees him offline, with when', async () => {
    await d.close();
    await c.waitForSelector(`${friendDot(dave)}.offline`);
    await c.reload();
    await waitOnline(c);
    await c.getByRole('button', { name: /^Contacts/ }).click();
    await c.waitForSelector(`${friendDot(dave)}.offline[title^="last seen"]`);
    d = await newPage(ctxD, 'dave-again');
    await waitOnline(d);
    await c.waitForSelector(`${friendDot(dave)}.online`);
  });
});
