// People: finding someone by the start of their nickname, asking them to be a friend or
// chatting with them from the results, and presence that is right after a reload (the
// presence_list after welcome), desktop notifications and the unread total in the title.
// Run by run.mjs; by hand:
// PARLEY_BASE_URL=http://127.0.0.1:8080/ node people.spec.mjs

import {
  CONTEXT, step, check, waitFor, waitOnline, newPage, register, openDirect, sendMessage, waitLastText, screenshot, runSpec, unique,
} from './lib.mjs';

await runSpec('people', async (browser) => {
  const carol = unique('pc');
  const dave = unique('pd');
  const daveNick = `Dåve${dave.slice(3)}`; // unique, and not ASCII: the search lowercases any script
  const ctxC = await browser.newContext(CONTEXT);
  // Notifications as the page sees them: asked for (with or without a user gesture) and shown.
  // A stand-in for the browser's, so that the test sees what the client asks of it.
  await ctxC.addInitScript(() => {
    window.notes = [];
    window.asked = [];
    window.Notification = class extends EventTarget {
      static permission = 'default';
      static async requestPermission() {
        window.asked.push(navigator.userActivation.isActive);
        window.Notification.permission = 'granted';
        return 'granted';
      }
      constructor(title, options = {}) {
        super();
        window.notes.push({ title, body: options.body, tag: options.tag });
        window.lastNote = this;
      }
      close() {}
    };
  });
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
    await d.waitForSelector(`#pending-in button[data-user="${carol}"]`);
    check(!/null/.test(await d.textContent('#pending-in')), 'a request shows no "null" where presence would be');
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

  await step('notifications: asked from a button; shown for chats not in view or a hidden tab; title badge', async () => {
    const conv = `d:${[carol, dave].sort().join(':')}`;
    const notes = () => c.evaluate(() => window.notes.map((n) => `${n.title}|${n.body}|${n.tag}`));
    const title = (want) => waitFor(c, (t) => document.title === t, want);
    await c.reload(); // carol's notifications start from nothing
    await waitOnline(c);
    check((await c.evaluate(() => window.asked.length)) === 0, 'nothing asked for permission before a click');
    await c.click('#notify-button');
    await c.waitForSelector('#notify-button', { state: 'hidden' });
    check(JSON.stringify(await c.evaluate(() => window.asked)) === '[true]', 'asked once, on the click (a user gesture)');
    await openDirect(d, carol);
    await sendMessage(d, 'ping 1');
    await waitFor(c, () => window.notes.length === 1);
    check(JSON.stringify(await notes()) === JSON.stringify([`${daveNick}|ping 1|${conv}`]), `one notification from dave (${await notes()})`);
    await title('(1) Parley');
    await sendMessage(d, 'ping 2');
    await title('(2) Parley');
    await screenshot(c, 'notify-badge');
    await c.evaluate(() => window.lastNote.onclick()); // clicking it opens the chat
    await c.waitForSelector('#chat:not([hidden])');
    await title('Parley');
    await sendMessage(d, 'ping 3');
    await waitLastText(c, 'ping 3');
    await title('Parley'); // read at once: in view
    check((await notes()).length === 2, 'no notification for the chat in view');
    // Carol's tab goes to the background (headless Chromium keeps every tab visible: say so).
    const hidden = (on) => c.evaluate((h) => {
      if (h) Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      else delete document.visibilityState;
      document.dispatchEvent(new Event('visibilitychange'));
    }, on);
    await hidden(true);
    await sendMessage(d, 'ping 4');
    await waitFor(c, () => window.notes.length === 3);
    await title('(1) Parley'); // a hidden tab does not read what it shows
    await hidden(false);
    await title('Parley');
  });
});
