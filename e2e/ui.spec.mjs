// The web client's look and its composer, one person (plus a peer where a chat needs one):
// dark mode from the system setting, toasts that leave the newest messages visible, safe
// clickable links, the 16 KiB limit told before sending, and a refused message with
// Retry/Discard. Run by run.mjs; by hand: PARLEY_BASE_URL=http://127.0.0.1:8080/ node ui.spec.mjs

import {
  CONTEXT, step, check, waitFor, newPage, register, openDirect, sendMessage, waitLastText, screenshot, runSpec, unique,
} from './lib.mjs';

/** Relative luminance (0 black .. 1 white) of a computed `rgb(...)` colour. */
const luminance = (rgb) => {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

const colours = (page) =>
  page.evaluate(() => {
    const style = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
    return {
      panel: style('.sidebar', 'backgroundColor'),
      text: style('#me-name', 'color'),
      field: style('#new-direct-user', 'backgroundColor'),
      bubble: style('#messages li.msg .bubble', 'backgroundColor'),
    };
  });

await runSpec('ui', async (browser) => {
  const me = unique('ua');
  const peer = unique('ub');
  const light = await browser.newContext({ ...CONTEXT, colorScheme: 'light' });
  const dark = await browser.newContext({ ...CONTEXT, colorScheme: 'dark' });
  const p = await newPage(light, 'peer');
  const a = await newPage(dark, 'me');

  await step('two people register; one chats with the other', async () => {
    await Promise.all([register(a, me, 'Uma'), register(p, peer, 'Pat')]);
    await openDirect(a, peer);
    await sendMessage(a, 'hello in the dark');
    await waitLastText(a, 'hello in the dark');
    await openDirect(p, me);
    await waitLastText(p, 'hello in the dark');
  });

  await step('dark mode: a dark system setting gives dark panels and light text; light stays light', async () => {
    const d = await colours(a);
    const l = await colours(p);
    check(luminance(d.panel) < 0.05 && luminance(d.field) < 0.05 && luminance(d.bubble) < 0.1,
      `dark panels, fields and bubbles under a dark setting (${JSON.stringify(d)})`);
    check(luminance(d.text) > 0.6, `light text under a dark setting (${d.text})`);
    check(luminance(l.panel) > 0.9 && luminance(l.text) < 0.05, `light stays light (${JSON.stringify(l)})`);
    await screenshot(a, 'dark');
  });

  await step('toasts: a notice leaves the newest message and the composer visible (1100 and 375 px)', async () => {
    for (let i = 0; i < 14; i++) await sendMessage(p, `filler ${i}`);
    await waitLastText(a, 'filler 13');
    for (const width of [1100, 375]) {
      await a.setViewportSize({ width, height: 740 });
      await a.evaluate(() => document.getElementById('toasts').replaceChildren());
      // Any notice: a friend request from the peer shows one.
      await p.getByRole('button', { name: /^Contacts/ }).click();
      await p.fill('#contact-user', me);
      await p.getByRole('button', { name: 'Add friend' }).click();
      await a.waitForSelector('#toasts .toast');
      const overlap = await a.evaluate(() => {
        const toast = document.querySelector('#toasts .toast').getBoundingClientRect();
        const hits = (r) => toast.left < r.right && r.left < toast.right && toast.top < r.bottom && r.top < toast.bottom;
        const last = [...document.querySelectorAll('#messages li.msg')].at(-1).getBoundingClientRect();
        const composer = document.getElementById('composer').getBoundingClientRect();
        return { last: hits(last), composer: hits(composer) };
      });
      const toast = await a.$eval('#toasts .toast', (t) => ({ fg: getComputedStyle(t).color, bg: getComputedStyle(t).backgroundColor }));
      const [hi, lo] = [luminance(toast.fg), luminance(toast.bg)].sort((x, y) => y - x);
      check((hi + 0.05) / (lo + 0.05) >= 4.5, `the toast's text is readable in dark mode (${JSON.stringify(toast)})`);
      check(!overlap.last && !overlap.composer, `at ${width} px the toast covers neither the newest message nor the composer (${JSON.stringify(overlap)})`);
      await screenshot(a, `toast-${width}`);
      await p.getByRole('button', { name: /^Contacts/ }).click();
      await p.click(`#pending-out button[data-op="friend_remove"][data-user="${me}"]`);
      await p.waitForSelector(`#pending-out button[data-user="${me}"]`, { state: 'detached' });
      await p.getByRole('button', { name: /^Chats/ }).click();
    }
    await a.setViewportSize(CONTEXT.viewport);
  });

  await step('links: http(s) URLs are links (new tab, noopener noreferrer); other text stays text', async () => {
    const text = 'see https://example.com/a?b=1&c=<x>, or http://127.0.0.1:1/p. '
      + 'Not javascript:alert(1), data:text/html,hi, ftp://x.org or <a href="https://evil.test">a</a> <img src=x onerror="window.pwned=1">';
    await sendMessage(p, text);
    await waitLastText(a, text);
    const shown = await a.$eval('#messages li.msg:last-child .text', (node) => ({
      links: [...node.querySelectorAll('a')].map((l) => ({ href: l.getAttribute('href'), text: l.textContent, target: l.target, rel: l.rel })),
      elements: [...node.querySelectorAll('*')].map((e) => e.tagName),
      pwned: window.pwned === 1,
    }));
    const want = [
      { href: 'https://example.com/a?b=1&c=', text: 'https://example.com/a?b=1&c=', target: '_blank', rel: 'noopener noreferrer' },
      { href: 'http://127.0.0.1:1/p', text: 'http://127.0.0.1:1/p', target: '_blank', rel: 'noopener noreferrer' },
      { href: 'https://evil.test/', text: 'https://evil.test', target: '_blank', rel: 'noopener noreferrer' },
    ];
    check(JSON.stringify(shown.links) === JSON.stringify(want), `exactly the http(s) URLs are safe links (${JSON.stringify(shown.links)})`);
    check(shown.elements.every((t) => t === 'A') && !shown.pwned, `no markup from the text but the links (${shown.elements.join(',')})`);
    await screenshot(a, 'links');
  });

  await step('over-long: over 16 KiB of UTF-8 the composer says so and will not send; at 16 KiB it sends', async () => {
    const shown = () => a.$$eval('#messages li.msg', (items) => items.length);
    const before = await shown();
    const over = 'é'.repeat(8193); // 8,193 characters, 16,386 bytes: a character cut would let it through
    await a.fill('#composer-input', over);
    await a.waitForSelector('#composer-count.over:has-text("16,386")');
    check(await a.isDisabled('#composer-send'), 'Send is disabled over the limit');
    await a.press('#composer-input', 'Enter');
    check((await a.inputValue('#composer-input')) === over, 'Enter keeps the over-long text in the composer, whole');
    check((await shown()) === before, 'nothing was sent');
    await screenshot(a, 'too-long');
    const fits = 'é'.repeat(8192); // 16,384 bytes: exactly the limit
    await a.fill('#composer-input', fits);
    await a.waitForSelector('#composer-count:not(.over)');
    check(!(await a.isDisabled('#composer-send')), 'Send is enabled again at the limit');
    await a.press('#composer-input', 'Enter');
    await waitLastText(p, fits);
    await a.waitForSelector('#composer-count', { state: 'hidden' });
    // 12,000 control characters: 12,000 bytes, but 72,000 as JSON escapes, over the 64 KiB frame.
    await a.fill('#composer-input', `x${'\u0001'.repeat(12_000)}x`);
    await a.waitForSelector('#composer-count.over:has-text("control characters")');
    check(await a.isDisabled('#composer-send'), 'Send is disabled for a body whose frame would be too large');
    await a.fill('#composer-input', '');
    await a.waitForSelector('#composer-count', { state: 'hidden' });
  });

  await step('refused: a send the server refuses says why and offers Retry and Discard', async () => {
    const last = '#messages li.msg.mine:last-child';
    await p.getByRole('button', { name: /^Contacts/ }).click();
    await p.fill('#contact-user', me);
    await p.getByRole('button', { name: 'Block' }).click();
    await p.waitForSelector(`#blocked button[data-user="${me}"]`);
    await sendMessage(a, 'to be discarded');
    await a.waitForSelector(`${last}[data-state="failed"] .failed[data-code="forbidden"]:has-text("cannot send")`);
    await screenshot(a, 'refused');
    await a.click(`${last} button[data-action="discard"]`);
    await waitFor(a, () => ![...document.querySelectorAll('#messages li.msg .text')].some((t) => t.textContent === 'to be discarded'));
    await sendMessage(a, 'sent on retry');
    await a.waitForSelector(`${last}[data-state="failed"]`);
    await p.click(`#blocked button[data-op="unblock"][data-user="${me}"]`);
    await p.waitForSelector(`#blocked button[data-user="${me}"]`, { state: 'detached' });
    await p.getByRole('button', { name: /^Chats/ }).click();
    await a.click(`${last} button[data-action="retry"]`);
    await waitLastText(a, 'sent on retry');
    await waitLastText(p, 'sent on retry');
    check(!(await p.$$eval('#messages li.msg .text', (t) => t.map((n) => n.textContent))).includes('to be discarded'), 'the discarded message never reached the peer');
  });

  await step('refused: a send refused with try-again codes is retried, then shows why; others at once', async () => {
    // A second tab whose socket answers each send of a marked text with a refusal, as a busy
    // or strict server would; everything else passes through to the node.
    const refusals = [];
    const b = await newPage(dark, 'me-tab2', {
      before: (page) => page.routeWebSocket(/\/ws$/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((data) => {
          const f = JSON.parse(data);
          const code = f.type === 'send' && /^refuse:/.test(f.body) ? f.body.slice(7) : null;
          if (!code) return server.send(data);
          refusals.push(code);
          ws.send(JSON.stringify({ type: 'error', rid: f.rid, code, message: code }));
        });
      }),
    });
    await b.click(`#conv-list button[data-conv="d:${[me, peer].sort().join(':')}"]`);
    const last = '#messages li.msg.mine:last-child';
    for (const [code, reason] of [['rate_limited', 'too fast'], ['content_rejected', 'content filter'], ['too_large', 'too long']]) {
      await sendMessage(b, `refuse:${code}`);
      await b.waitForSelector(`${last}[data-state="failed"] .failed[data-code="${code}"]:has-text("${reason}")`);
      await b.click(`${last} button[data-action="discard"]`);
    }
    check(JSON.stringify(refusals) === JSON.stringify(['rate_limited', 'rate_limited', 'rate_limited', 'content_rejected', 'too_large']),
      `a refusal to try again is retried (3 tries in all), the others are not (${refusals.join(', ')})`);
    await b.close();
  });

  await step('a direct chat is named by conv_state.title when the peer\'s profile cannot be loaded', async () => {
    const conv = `d:${[me, peer].sort().join(':')}`;
    const b = await newPage(dark, 'me-tab3', {
      before: async (page) => {
        await page.route(`**/api/v1/users/${peer}`, (route) => route.abort());
        await page.route('**/api/v1/conversations', async (route) => {
          const res = await route.fetch();
          const body = await res.json();
          for (const v of body.conversations) delete v.title;
          await route.fulfill({ response: res, json: body });
        });
        // The server as the contract has it: a direct conversation's title is the peer's nickname.
        await page.routeWebSocket(/\/ws$/, (ws) => {
          const server = ws.connectToServer();
          server.onMessage((data) => {
            const f = JSON.parse(data);
            if (f.type === 'conv_state' && f.conv === conv) f.title = 'Pat (from conv_state)';
            ws.send(JSON.stringify(f));
          });
        });
      },
    });
    await waitFor(b, (sel) => document.querySelector(`${sel} .conv-name`)?.textContent === 'Pat (from conv_state)',
      `#conv-list button[data-conv="${conv}"]`);
    await b.close();
  });
});
