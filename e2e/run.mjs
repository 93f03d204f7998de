// Runs the browser specs one after another, each in its own Node process with its own browser:
// `node run.mjs` runs every e2e/*.spec.mjs (chat first), `node run.mjs a.spec.mjs ...` those named.
// Exits non-zero when any fails; a failed spec leaves failure-<spec>-*.png in the output folder.

import { spawn } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.env.PARLEY_E2E_OUT ?? path.resolve(here, '..', 'target', 'e2e');

const named = process.argv.slice(2);
const all = (await readdir(here)).filter((f) => f.endsWith('.spec.mjs')).sort();
const specs = named.length ? named : ['chat.spec.mjs', ...all.filter((f) => f !== 'chat.spec.mjs')];

await mkdir(out, { recursive: true });
for (const file of await readdir(out)) if (file.startsWith('failure-')) await rm(path.join(out, file));

const results = [];
for (const spec of specs) {
  const t = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, spec)], { stdio: 'inherit', env: process.env });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  results.push({ spec, code, ms: Date.now() - t });
}
for (const r of results) console.log(`[e2e] ${r.code === 0 ? 'PASS' : 'FAIL'} ${r.spec} (${(r.ms / 1000).toFixed(1)} s)`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
