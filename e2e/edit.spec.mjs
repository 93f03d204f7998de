// Editing a sent message: the sender edits from the message's Edit button; the peer sees the
// new text marked "(edited)", live and in history on a new device; Escape cancels an edit.
// Run by run.mjs; by hand: PARLEY_BASE_URL=http://127.0.0.1:8080/ node edit.spec.mjs

import {
  CONTEXT, step, check, waitFor, waitOnline, newPage, register, openDirect, sendMessage, waitLastText, screenshot, runSpec, unique,
} from './lib.mjs';

await runSpec('edit', async (browser) => {
  const alice = unique('ea');
  const bob = unique('eb');
  const ctxB = await browser.newContext(CONTEXT);
  const a = await newPage(await browser.newContext(CONTEXT), 'alice');
  const b = await newPage(ctxB, 'bob');
  const shown = (page, text) => waitFor(page, (want) => {
    const li = [...document.querySelectorAll('#messages li.msg')].find((l) => l.querySelector('.text')?.textContent === want);
    return !!li?.querySelector('.edited');
  }, text);
  const editButton = async (page, text) => {
    const li = page.locator('#messages li.msg', { has: page.locator('.text', { hasText: text }) });
    await li.hover();
    return li.locator('button[data-action="edit"]');
  };

  await step('alice and bob chat', async () => {
    await Promise.all([register(a, alice, 'Alice'), register(b, bob, 'Bob')]);
    await openDirect(a, bob);
    await sendMessage(a, 'helo wrld');
    await openDirect(b, alice);
    await waitLastText(b, 'helo wrld');
    await sendMessage(b, 'what?');
    await waitLastText(a, 'what?');
  });

  await step('only one\'s own messages have Edit; Escape cancels an edit and keeps the draft', async () => {
    check((await a.$$('#messages li.msg.theirs button[data-action="edit"]')).length === 0, 'no Edit on bob\'s message');
    await a.fill('#composer-input', 'a draft');
    await (await editButton(a, 'helo wrld')).click();
    await a.waitForSelector('#edit-bar:not([hidden])');
    check((await a.inputValue('#composer-input')) === 'helo wrld', 'the composer holds the text to edit');
    await a.press('#composer-input', 'Escape');
    await a.waitForSelector('#edit-bar', { state: 'hidden' });
    check((await a.inputValue('#composer-input')) === 'a draft', 'the draft is back');
    check(await a.isVisible('#chat'), 'Escape ended the edit, not the chat');
  });

  await step('alice edits; both see the new text marked (edited)', async () => {
    await (await editButton(a, 'helo wrld')).click();
    await a.fill('#composer-input', 'hello world');
    await a.press('#composer-input', 'Enter');
    await shown(a, 'hello world');
    await shown(b, 'hello world');
    check((await a.inputValue('#composer-input')) === 'a draft', 'the draft is back after saving');
    const texts = await b.$$eval('#messages li.msg .text', (ts) => ts.map((t) => t.textContent));
    check(JSON.stringify(texts) === JSON.stringify(['hello world', 'what?']), `the edit replaced the text in place (${texts})`);
    await screenshot(b, 'edited');
  });

  await step('a new device of bob pages history: the latest text, marked (edited)', async () => {
    const b2 = await newPage(ctxB, 'bob-tab2');
    await waitOnline(b2);
    await b2.click(`#conv-list button[data-conv="d:${[alice, bob].sort().join(':')}"]`);
    await shown(b2, 'hello world');
    await b2.close();
  });
});
