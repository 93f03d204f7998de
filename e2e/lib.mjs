// Shared pieces of the browser specs (e2e/*.spec.mjs): the browser, pages that record their
// errors, accounts, and DOM waits. Every wait is for a DOM condition, never a sleep.

import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE = process.env.PARLEY_BASE_URL;
export const OUT = process.env.PARLEY_E2E_OUT
  ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'target', 'e2e');
export const WAIT_MS = Number(process.env.PARLEY_E2E_WAIT_MS ?? 20_000);
export const PASSWORD = 'correct-horse-battery';
const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
const TRACE = process.env.PARLEY_E2E_TRACE === '1'; // log every WebSocket frame

if (!BASE) {
  console.error('PARLEY_BASE_URL is not set (e.g. http://127.0.0.1:8080/)');
  process.exit(2);
}

const started = Date.now();
export const log = (...args) => console.log(`[e2e +${((Date.now() - started) / 1000).toFixed(1)}s]`, ...args);

export async function step(name, fn) {
  const t = Date.now();
  log(`▶ ${name}`);
  await fn();
  log(`✔ ${name} (${Date.now() - t} ms)`);
}

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** A run-unique id, so that each spec's users and conversations are its own. */
export const unique = (prefix) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

// Over https:// (a node with TLS on, under a self-signed test certificate) the browser is told to
// accept the node's certificate, as a developer does once for `./parley run --tls`.
export const CONTEXT = {
  viewport: { width: 1100, height: 760 },
  ignoreHTTPSErrors: BASE.startsWith('https:'),
};

export const pageErrors = [];
export const cspViolations = []; // the page asked for something its Content-Security-Policy refuses

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page that logs its errors, console warnings and CSP violations, opened at the node. */
export async function newPage(context, name, { trace, before } = {}) {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  trace?.(page, name);
  await before?.(page);
  if (TRACE) {
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => log(`[${name}] -> ${String(f.payload).replace(/"token":"[^"]*"/, '"token":"…"')}`));
      ws.on('framereceived', (f) => log(`[${name}] <- ${f.payload}`));
    });
  }
  page.on('pageerror', (e) => {
    pageErrors.push(`${name}: ${e.message}`);
    log(`[${name}] page error: ${e.stack ?? e.message}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log(`[${name}] console.${m.type()}: ${m.text()}`);
    if (/Content Security Policy/.test(m.text())) cspViolations.push(`${name}: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    if (!r.url().includes('/ws')) log(`[${name}] request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  await page.goto(BASE);
  return page;
}

export const waitFor = (page, fn, arg) => page.waitForFunction(fn, arg, { timeout: WAIT_MS, polling: 100 });

export const waitOnline = (page) => page.waitForSelector('#conn-status[data-state="online"]');

export const waitNotOnline = (page) => page.waitForSelector('#conn-status:not([data-state="online"])');

export async function register(page, user, nickname) {
  await page.fill('#register-user', user);
  await page.fill('#register-nickname', nickname);
  await page.fill('#register-password', PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await waitOnline(page);
}

/** Opens (or creates) the direct chat with a user from the list's form. */
export async function openDirect(page, user) {
  await page.fill('#new-direct-user', user);
  await page.press('#new-direct-user', 'Enter');
  await page.waitForSelector('#chat:not([hidden])');
}

export async function sendMessage(page, text) {
  await page.fill('#composer-input', text);
  await page.press('#composer-input', 'Enter');
}

/** The open chat's messages: [{seq, text, state, mine}] in DOM order. */
export const messages = (page) =>
  page.$$eval('#messages li.msg', (items) =>
    items.map((li) => ({
      seq: li.dataset.seq === '' ? null : Number(li.dataset.seq),
      text: li.querySelector('.text')?.textContent ?? '',
      state: li.dataset.state ?? null,
      mine: li.classList.contains('mine'),
    })),
  );

/** Waits until the open chat's newest message has this text (and a seq: it is stored). */
export const waitLastText = (page, text) =>
  waitFor(page, (want) => {
    const li = [...document.querySelectorAll('#messages li.msg')].at(-1);
    return li?.querySelector('.text')?.textContent === want && li.dataset.seq !== '';
  }, text);

export async function screenshot(page, name) {
  await mkdir(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

/**
 * Runs a spec's body with a fresh browser: on failure, screenshots of every page; at the end,
 * no uncaught page errors and no CSP violations. Exits the process with the outcome.
 */
export async function runSpec(name, body) {
  const browser = await launch();
  let exitCode = 0;
  try {
    await mkdir(OUT, { recursive: true });
    await body(browser);
    check(pageErrors.length === 0, `no uncaught page errors (${pageErrors.join('; ')})`);
    check(cspViolations.length === 0, `no page asked for what its CSP refuses (${cspViolations.join('; ')})`);
    log(`PASS ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    exitCode = 1;
    log(`FAIL ${name}: ${e.stack ?? e.message}`);
    for (const [ci, context] of browser.contexts().entries()) {
      for (const [i, page] of context.pages().entries()) {
        const file = path.join(OUT, `failure-${name}-${ci}-${i}.png`);
        await page.screenshot({ path: file }).catch(() => {});
        log(`failure screenshot: ${file}`);
      }
    }
  } finally {
    await browser.close();
  }
  process.exit(exitCode);
}
