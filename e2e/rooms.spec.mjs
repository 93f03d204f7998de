// Rooms: two people join one by name, see each other's messages live, with no unread count;
// a network drop re-joins it and pages what was missed; leaving drops it from the list.
// Run by run.mjs; by hand: PARLEY_BASE_URL=http://127.0.0.1:8080/ node rooms.spec.mjs

import {
  CONTEXT, step, check, waitFor, waitOnline, waitNotOnline, newPage, register, sendMessage, waitLastText, screenshot, runSpec, unique,
} from './lib.mjs';

await runSpec('rooms', async (browser) => {
  const room = unique('room');
  const roomButton = `#conv-list button[data-conv="r:${room}"]`;
  const ctxA = await browser.newContext(CONTEXT);
  const ctxB = await browser.newContext(CONTEXT);
  const a = await newPage(ctxA, 'rosa');
  const b = await newPage(ctxB, 'ravi');
  const join = async (page) => {
    await page.click('#join-room-box summary');
    await page.fill('#room-name', room);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.waitForSelector(`${roomButton}[aria-current="true"]`);
  };

  await step('two people register and join the same room by name', async () => {
    await Promise.all([register(a, unique('ra'), 'Rosa'), register(b, unique('rb'), 'Ravi')]);
    await join(a);
    await join(b);
    await waitFor(a, () => document.getElementById('chat-title').textContent.startsWith('#'));
  });

  await step('messages go both ways live; a room in the list shows no unread count', async () => {
    await sendMessage(a, 'hello room');
    await waitLastText(b, 'hello room');
    await b.click('#back-button'); // the room out of view: still no unread
    await sendMessage(a, 'while ravi looks elsewhere');
    await waitFor(b, ([sel, text]) => document.querySelector(`${sel} .conv-last`)?.textContent.endsWith(text), [roomButton, 'while ravi looks elsewhere']);
    check((await b.$$(`${roomButton} .badge`)).length === 0, 'no unread badge on a room');
    check((await b.title()) === 'Parley', `no unread in the title for a room (${await b.title()})`);
    await b.click(roomButton);
    await waitLastText(b, 'while ravi looks elsewhere');
    await sendMessage(b, 'hi rosa');
    await waitLastText(a, 'hi rosa');
    await screenshot(a, 'room');
  });

  await step('a network drop: the room is joined again and what was missed is paged', async () => {
    await ctxB.setOffline(true);
    await waitNotOnline(b);
    await sendMessage(a, 'said while ravi was offline');
    await waitLastText(a, 'said while ravi was offline');
    await ctxB.setOffline(false);
    await waitOnline(b);
    await waitLastText(b, 'said while ravi was offline');
    await sendMessage(a, 'and live again');
    await waitLastText(b, 'and live again');
  });

  await step('leaving the room drops it from the list; its messages stop', async () => {
    await b.getByRole('button', { name: 'Leave room' }).click();
    await b.waitForSelector(roomButton, { state: 'detached' });
    await sendMessage(a, 'after ravi left');
    await waitLastText(a, 'after ravi left');
    check((await b.$$(roomButton)).length === 0, 'the room stays out of the list');
  });
});
