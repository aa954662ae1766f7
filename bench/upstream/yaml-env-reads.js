#!/usr/bin/env node
/**
 * For the yaml package (eemeli/yaml): its node build reads `process.env.LOG_TOKENS` in Parser#next, once per
 * token, and `process.env.LOG_STREAM` in Composer#next, once per document token. Each read of process.env is a
 * call into the environment. This parses one document of N mapping entries, as rdhooks' manifests are, with the
 * real process.env and then with process.env swapped for a plain object holding the same variables (the reads
 * then cost a property lookup), and counts the reads. Proposed fix: read both variables once, when the module
 * loads (or when a Parser is made). Usage: node bench/upstream/yaml-env-reads.js [N] (default 10000)
 */
import { parseDocument } from 'yaml';

const n = Number(process.argv[2] ?? 10_000);
const lines = ['version: 1', 'webhooks:'];
for (let i = 0; i < n; i++) lines.push(`  - event_type: WEBHOOK.CONVERTED`, `    url: https://example.com/h/${i}`, `    event_identifiers: [newsletter, form-${i % 7}]`);
const text = `${lines.join('\n')}\n`;

const realEnv = process.env;
const plainEnv = { ...realEnv };
let reads = 0;
const countingEnv = new Proxy(plainEnv, {
  get: (target, key) => {
    if (key === 'LOG_TOKENS' || key === 'LOG_STREAM') reads += 1;
    return target[key];
  },
});

function time(env) {
  process.env = env;
  const started = performance.now();
  parseDocument(text);
  const ms = performance.now() - started;
  process.env = realEnv;
  return ms;
}

process.env = countingEnv;
parseDocument(text);
process.env = realEnv;
// Interleaved, after a warm-up each, medians of 7.
time(realEnv);
time(plainEnv);
const real = [];
const plain = [];
for (let r = 0; r < 7; r++) {
  real.push(time(realEnv));
  plain.push(time(plainEnv));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`yaml ${JSON.parse((await import('node:fs')).readFileSync(new URL('../../node_modules/yaml/package.json', import.meta.url), 'utf8')).version}, node ${process.version}, ${n} entries (${(text.length / 2 ** 20).toFixed(2)} MiB)`);
console.log(`process.env reads of LOG_TOKENS and LOG_STREAM in one parse: ${reads}`);
console.log(`parseDocument, median of 7: ${median(real).toFixed(0)} ms with process.env, ${median(plain).toFixed(0)} ms with a plain object (${(median(plain) / median(real)).toFixed(2)}x)`);
