// Acceptance test of Parley's web client in a real browser (Debian's Chromium, headless),
// against a real node whose base URL comes in PARLEY_BASE_URL: two people chat through a
// network drop with nothing lost or duplicated. Run by run.mjs (WebClientTest under
// `./parley test`); by hand: `PARLEY_BASE_URL=http://127.0.0.1:8080/ node chat.spec.mjs`.
//
// Two browser contexts are two people (alice, bob); a second page in bob's context is a
// second tab, i.e. a second device of bob. Every wait is for a DOM condition, never a sleep.

import http from 'node:http';
import path from 'node:path';
import {
  BASE, OUT, WAIT_MS, CONTEXT, log, step, check, pageErrors, launch, newPage as openPage, waitFor,
  waitOnline, waitNotOnline, register, openDirect, sendMessage, messages, screenshot, cspViolations,
} from './lib.mjs';

const OFFLINE_BURST = 10;
const MORE_FOR_PAGING = 45; // with what is there before, more than one history page (50)
const started = Date.now();

const run = Date.now().toString(36);
const alice = `wa-${run}`;
const bob = `wb-${run}`;
const conv = `d:${[alice, bob].sort().join(':')}`;
const convButton = `#conv-list button[data-conv="${conv}"]`;

const browser = await launch();
const sockets = new Map(); // page name -> [{hello, msgs: ['conv#seq', ...]}], one per WebSocket

function parse(payload) {
  try {
    return JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    return null;
  }
}

/** Records, per WebSocket a page opens, the hello it sent and the msg frames it received. */
function traceSockets(page, name) {
  const list = [];
  sockets.set(name, list);
  page.on('websocket', (ws) => {
    const scheme = BASE.startsWith('https:') ? 'wss://' : 'ws://';
    if (!ws.url().startsWith(scheme)) pageErrors.push(`${name}: a WebSocket to ${ws.url()}, not ${scheme}`);
    const record = { hello: null, msgs: [] };
    list.push(record);
    ws.on('framesent', (f) => {
      const frame = parse(f.payload);
      if (frame?.type === 'hello') record.hello = frame;
    });
    ws.on('framereceived', (f) => {
      const frame = parse(f.payload);
      if (frame?.type === 'msg') record.msgs.push(`${frame.conv}#${frame.seq}`);
    });
  });
}

/** The page's newest socket said hello with this cursor and got exactly these seqs pushed. */
async function expectCatchUp(name, cursor, seqs) {
  const list = sockets.get(name);
  check(list.length >= 2, `${name} opened a new WebSocket after the drop (${list.length} so far)`);
  const newest = list.at(-1);
  const want = seqs.map((seq) => `${conv}#${seq}`);
  const deadline = Date.now() + WAIT_MS;
  const got = () => newest.msgs.filter((m) => m.startsWith(`${conv}#`));
  while (got().length < want.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  check(newest.hello?.cursors?.[conv] === cursor,
    `${name} said hello with cursor ${cursor} for the chat (sent ${JSON.stringify(newest.hello?.cursors)})`);
  check(JSON.stringify(got()) === JSON.stringify(want),
    `${name} got exactly seqs ${seqs[0]}..${seqs.at(-1)} pushed in order after reconnecting (got ${got().join(', ')})`);
}

const newPage = (context, name) => openPage(context, name, { trace: traceSockets });

const badgeOf = (page) =>
  page.evaluate((sel) => document.querySelector(`${sel} .badge`)?.textContent ?? '', convButton);

const waitBadge = (page, expected) =>
  waitFor(page, ([sel, want]) => (document.querySelector(`${sel} .badge`)?.textContent ?? '') === want, [convButton, expected]);

/** Waits until the open chat shows exactly these texts, then checks seqs rise strictly. */
async function expectExactly(page, name, texts) {
  try {
    await waitFor(
      page,
      (want) => {
        // Each shown once, in order, and stored (a seq, not only a pending send).
        const items = [...document.querySelectorAll('#messages li.msg')];
        return items.length === want.length
          && items.every((li, i) => li.querySelector('.text')?.textContent === want[i] && li.dataset.seq !== '');
      },
      texts,
    );
  } catch (e) {
    const got = (await messages(page)).map((m) => `${m.seq}:${m.text}`);
    throw new Error(`${name} does not show exactly ${texts.length} expected messages in order; it shows ${got.length}: ${got.join(', ')}`);
  }
  const seqs = (await messages(page)).map((m) => m.seq);
  for (let i = 1; i < seqs.length; i++) {
    check(seqs[i] > seqs[i - 1], `${name}: seqs rise strictly (${seqs.join(',')})`);
  }
}

// Stands in for a tracker: a host that serves a user's avatar and logs who fetched it.
const trackerHits = [];
const tracker = http.createServer((req, res) => {
  trackerHits.push(`${req.method} ${req.url} from ${req.socket.remoteAddress}`);
  res.writeHead(200, { 'Content-Type': 'image/gif' });
  res.end(Buffer.from('R0lGODlhAQABAAAAACwAAAAAAQABAAA=', 'base64'));
});
await new Promise((resolve) => tracker.listen(0, '127.0.0.1', resolve));
const trackerUrl = `http://127.0.0.1:${tracker.address().port}/pixel.gif`;

let exitCode = 0;
try {
  const ctxA = await browser.newContext(CONTEXT);
  const ctxB = await browser.newContext(CONTEXT);
  let a;
  let b1;
  let b2;
  const history = ['hello bob', 'hi alice'];

  await step('alice and bob register in two browser contexts', async () => {
    a = await newPage(ctxA, 'alice');
    b1 = await newPage(ctxB, 'bob-tab1');
    await Promise.all([register(a, alice, 'Alice'), register(b1, bob, 'Bob')]);
  });

  await step('alice starts a direct chat with bob; bob sees it unread, reads it, replies', async () => {
    await openDirect(a, bob);
    await sendMessage(a, 'hello bob');
    await b1.waitForSelector(convButton);
    await waitBadge(b1, '1');
    await b1.click(convButton);
    await expectExactly(b1, 'bob', ['hello bob']);
    await waitBadge(b1, '');
    // bob's read receipt reaches alice
    await waitFor(a, () => document.querySelector('#messages li.msg.mine')?.dataset.state === 'read');
    await sendMessage(b1, 'hi alice');
    await expectExactly(a, 'alice', history);
    await expectExactly(b1, 'bob', history);
    // typing indicator: alice types, bob sees it
    await a.locator('#composer-input').pressSequentially('typ');
    await waitFor(b1, () => /is typing/.test(document.getElementById('typing').textContent));
    await a.fill('#composer-input', '');
    // bob closes the chat (back to the list) so that new messages count as unread
    await b1.click('#back-button');
    await b1.waitForSelector('#chat', { state: 'hidden' });
  });

  await step('bob opens a second tab: a second device, logged in, same list', async () => {
    b2 = await newPage(ctxB, 'bob-tab2');
    await waitOnline(b2);
    await b2.waitForSelector(convButton);
    const [d1, d2] = [await b1.textContent('#device-id'), await b2.textContent('#device-id')];
    check(d1 && d2 && d1 !== d2, `two tabs are two devices (${d1}, ${d2})`);
    check((await badgeOf(b2)) === '', 'nothing unread in the second tab');
  });

  await step(`bob goes offline; alice sends ${OFFLINE_BURST} messages`, async () => {
    await ctxB.setOffline(true);
    // Chromium keeps an open WebSocket open in offline mode: the client must notice by itself.
    await Promise.all([waitNotOnline(b1), waitNotOnline(b2)]);
    for (let i = 1; i <= OFFLINE_BURST; i++) {
      const text = `offline burst ${i}`;
      history.push(text);
      await sendMessage(a, text);
    }
    await expectExactly(a, 'alice', history);
    await waitFor(a, (n) => {
      const mine = [...document.querySelectorAll('#messages li.msg.mine')].slice(-n);
      // Stored (one tick), but no device of bob holds them yet: not "delivered".
      return mine.length === n && mine.every((li) => li.dataset.state === 'sent');
    }, OFFLINE_BURST);
    check((await badgeOf(b1)) === '' && (await badgeOf(b2)) === '', 'offline tabs saw nothing yet');
  });

  await step('bob comes back: both tabs reconnect with cursors and show the same unread badge', async () => {
    await ctxB.setOffline(false);
    await Promise.all([waitOnline(b1), waitOnline(b2)]);
    await Promise.all([waitBadge(b1, String(OFFLINE_BURST)), waitBadge(b2, String(OFFLINE_BURST))]);
    // Both devices resumed from where they were (seq 2), and the server caught them up.
    const missed = Array.from({ length: OFFLINE_BURST }, (_, i) => 3 + i);
    await expectCatchUp('bob-tab1', 2, missed);
    await expectCatchUp('bob-tab2', 2, missed);
    await waitFor(b2, ([sel, text]) => document.querySelector(`${sel} .conv-last`)?.textContent === text, [convButton, history.at(-1)]);
    // Bob's devices acked the catch-up: alice sees two ticks (delivered), not yet read.
    await waitFor(a, (n) => {
      const mine = [...document.querySelectorAll('#messages li.msg.mine')].slice(-n);
      return mine.length === n && mine.every((li) => li.dataset.state === 'delivered');
    }, OFFLINE_BURST);
    await screenshot(a, 'delivered');
  });

  await step('bob reads in tab 1: every message exactly once, in order; tab 2 badge clears', async () => {
    await b1.bringToFront();
    await b1.click(convButton);
    await expectExactly(b1, 'bob tab 1', history);
    await waitBadge(b1, '');
    await waitBadge(b2, '');
    await waitFor(a, () => {
      const mine = [...document.querySelectorAll('#messages li.msg.mine')];
      return mine.length > 0 && mine.at(-1).dataset.state === 'read';
    });
  });

  await step('alice goes offline mid-send: the message waits, then goes once on reconnect', async () => {
    await ctxA.setOffline(true);
    await waitNotOnline(a);
    const text = 'written while offline';
    history.push(text);
    await sendMessage(a, text);
    await waitFor(a, () => document.querySelector('#messages li.msg.mine:last-child')?.dataset.state === 'sending');
    await ctxA.setOffline(false);
    await waitOnline(a);
    await expectExactly(a, 'alice', history);
    await expectExactly(b1, 'bob tab 1', history);
    await waitFor(a, () => document.querySelector('#messages li.msg.mine:last-child')?.dataset.state === 'read');
  });

  await step('contacts: alice asks bob to be friends, bob accepts, presence dots turn online', async () => {
    await a.getByRole('button', { name: /^Contacts/ }).click();
    await a.fill('#contact-user', bob);
    await a.getByRole('button', { name: 'Add friend' }).click();
    await a.waitForSelector(`#pending-out button[data-user="${bob}"]`);
    await b2.bringToFront(); // a background tab is hidden: it renders (and reads) nothing
    await b2.getByRole('button', { name: /^Contacts/ }).click();
    await b2.click(`#pending-in button[data-op="friend_accept"][data-user="${alice}"]`);
    await b2.waitForSelector(`#friends button[data-user="${alice}"]`);
    await a.waitForSelector(`#friends button[data-user="${bob}"]`);
    await b1.bringToFront();
    await b1.waitForSelector('#chat-dot.dot.online');
    await b1.waitForSelector('#contacts-badge', { state: 'hidden' }); // accepted on the other tab
    await a.getByRole('button', { name: /^Chats/ }).click();
  });

  await step('avatars: alice sets one on a tracker host; bob sees her initial, nothing asks the tracker', async () => {
    await a.getByRole('button', { name: /^Profile/ }).click();
    await a.fill('#profile-avatar', `${trackerUrl}?who=alice`);
    await a.getByRole('button', { name: 'Save profile' }).click();
    await a.waitForSelector('#profile-status:has-text("Saved.")');
    await waitFor(a, () => document.getElementById('me-name').textContent.startsWith('Alice ('));
    const mine = await a.$eval('#me-avatar', (avatar) => ({ tag: avatar.tagName, text: avatar.textContent }));
    check(mine.tag === 'SPAN' && mine.text === 'A', `alice's own avatar is her initial, not her picture (${JSON.stringify(mine)})`);
    await a.getByRole('button', { name: /^Chats/ }).click();
    // A new tab of bob: a new device that loads alice's profile, avatar URL and all.
    const b4 = await newPage(ctxB, 'bob-tab4');
    await waitOnline(b4);
    await waitFor(b4, (sel) => document.querySelector(`${sel} .conv-name`)?.textContent === 'Alice', convButton);
    const shown = await b4.$eval(convButton, (button) => {
      const avatar = button.querySelector('.avatar');
      return { tag: avatar?.tagName, text: avatar?.textContent };
    });
    check(shown.tag === 'SPAN' && shown.text === 'A', `bob's list shows alice's initial, not her picture (${JSON.stringify(shown)})`);
    for (const [name, page] of [['alice', a], ['bob tab 4', b4]]) {
      const remote = await page.$$eval('img', (imgs) =>
        imgs.map((img) => img.getAttribute('src') ?? '').filter((src) => !src.startsWith('data:') && new URL(src, location.href).origin !== location.origin));
      check(remote.length === 0, `${name}'s page holds no image from another host (${remote.join(', ')})`);
    }
    check(trackerHits.length === 0, `nobody asked the tracker for the avatar (${trackerHits.join('; ')})`);
    await b4.close();
    await b1.bringToFront();
  });

  await step(`scroll-back: alice sends ${MORE_FOR_PAGING} more; a new tab of bob pages history back to the start`, async () => {
    for (let i = 1; i <= MORE_FOR_PAGING; i++) {
      const text = `paging ${i}`;
      history.push(text);
      await sendMessage(a, text);
    }
    await expectExactly(b1, 'bob tab 1', history);
    const b3 = await newPage(ctxB, 'bob-tab3');
    await waitOnline(b3);
    await b3.click(convButton);
    // A new device holds nothing: it gets the newest page, then pages up as it scrolls.
    await waitFor(b3, () => document.querySelectorAll('#messages li.msg').length >= 40);
    for (let i = 0; i < 10; i++) {
      const shown = (await b3.$$('#messages li.msg')).length;
      if (shown >= history.length) break;
      await b3.$eval('#messages-scroll', (s) => { s.scrollTop = 0; });
      await waitFor(
        b3,
        (n) => document.querySelectorAll('#messages li.msg').length > n
          || /beginning/.test(document.getElementById('history-status').textContent),
        shown,
      );
    }
    await expectExactly(b3, 'bob tab 3', history);
    await b3.waitForSelector('#history-status:has-text("beginning")');
    await b3.close();
    await b1.bringToFront();
  });

  await step('bob replies; alice reads it; his message shows as read', async () => {
    const text = `got all ${history.length}, each once and in order`;
    history.push(text);
    await sendMessage(b1, text);
    await expectExactly(a, 'alice', history);
    await waitFor(b1, () => document.querySelector('#messages li.msg.mine:last-child')?.dataset.state === 'read');
  });

  await step('screenshots of the chat view (1100 px and 375 px wide)', async () => {
    await b1.bringToFront();
    // Notices fade after a few seconds; the pictures should show the chat, not them.
    await b1.waitForFunction(() => document.getElementById('toasts').childElementCount === 0, null, { timeout: 15_000, polling: 100 });
    await b1.$eval('#messages-scroll', (s) => { s.scrollTop = s.scrollHeight; });
    await screenshot(b1, 'chat');
    await b1.setViewportSize({ width: 375, height: 740 });
    await screenshot(b1, 'chat-375');
    await b1.click('#back-button');
    await b1.waitForSelector('#sidebar:visible');
    await screenshot(b1, 'list-375');
    log(`screenshots in ${OUT}`);
  });

  check(pageErrors.length === 0, `no uncaught page errors, every WebSocket on the page's scheme (${pageErrors.join('; ')})`);
  // Checked again at the end: a late image request (a re-render, a lazy load) would show here.
  check(trackerHits.length === 0, `nobody asked the tracker for the avatar during the run (${trackerHits.join('; ')})`);
  check(cspViolations.length === 0, `no page asked for what its CSP refuses (${cspViolations.join('; ')})`);
  log(`PASS: ${history.length} messages, each shown once and in order, ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (e) {
  exitCode = 1;
  log(`FAIL: ${e.stack ?? e.message}`);
  for (const context of browser.contexts()) {
    for (const [i, page] of context.pages().entries()) {
      const file = path.join(OUT, `failure-chat-${browser.contexts().indexOf(context)}-${i}.png`);
      await page.screenshot({ path: file }).catch(() => {});
      log(`failure screenshot: ${file}`);
    }
  }
} finally {
  await browser.close();
  tracker.close();
}
process.exit(exitCode);
