// Runs the browser specs, each in its own Node process with its own browser, two at a time
// (PARLEY_E2E_PARALLEL; most of a spec's time is waiting for the node, not CPU):
// `node run.mjs` runs every e2e/*.spec.mjs (chat, the longest, first), `node run.mjs a.spec.mjs ...`
// those named. Each line of output is prefixed with its spec. Exits non-zero when any fails; a
// failed spec leaves failure-<spec>-*.png in the output folder.

import { spawn } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.env.PARLEY_E2E_OUT ?? path.resolve(here, '..', 'target', 'e2e');
const parallel = Math.max(1, Number(process.env.PARLEY_E2E_PARALLEL ?? 2));

const named = process.argv.slice(2);
const all = (await readdir(here)).filter((f) => f.endsWith('.spec.mjs')).sort();
const specs = named.length ? named : ['chat.spec.mjs', ...all.filter((f) => f !== 'chat.spec.mjs')];

await mkdir(out, { recursive: true });
for (const file of await readdir(out)) if (file.startsWith('failure-')) await rm(path.join(out, file));

function runOne(spec) {
  const t = Date.now();
  const name = spec.replace(/\.spec\.mjs$/, '');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, spec)], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => console.log(`[${name}] ${line}`));
    }
    child.on('close', (code, signal) => resolve({ spec, code: code ?? (signal ? 1 : 0), ms: Date.now() - t }));
  });
}

const queue = [...specs];
const results = [];
await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, async () => {
  while (queue.length) results.push(await runOne(queue.shift()));
}));
for (const r of results) console.log(`[e2e] ${r.code === 0 ? 'PASS' : 'FAIL'} ${r.spec} (${(r.ms / 1000).toFixed(1)} s)`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
