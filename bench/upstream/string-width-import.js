#!/usr/bin/env node
/**
 * For string-width (sindresorhus/string-width): importing it builds an Intl.Segmenter and compiles several
 * Unicode-property regular expressions (\p{RGI_Emoji} with the v flag among them) at module load, before anyone
 * measures a string; yargs imports it (and cliui and wrap-ansi their own copies) on every run of every CLI built
 * on yargs, which measure nothing unless help is shown. This times, in fresh processes, `node -e 0`, importing
 * string-width, and creating the same objects by hand. Proposed fix: create them on the first call.
 * Usage: node bench/upstream/string-width-import.js [RUNS] (default 20)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const runs = Number(process.argv[2] ?? 20);
const url = import.meta.resolve('string-width');
const env = { PATH: process.env.PATH };
const cases = [
  ['node -e 0', ['-e', '0']],
  ['import string-width', ['--input-type=module', '-e', `await import(${JSON.stringify(url)})`]],
  ["new Intl.Segmenter() and /^\\p{RGI_Emoji}$/v by hand", ['-e', "new Intl.Segmenter(); new RegExp('^\\\\p{RGI_Emoji}$', 'v').test('a');"]],
];
const times = cases.map(() => []);
for (let r = 0; r < runs; r++) {
  cases.forEach((_, k) => {
    const i = (k + r) % cases.length;
    const started = performance.now();
    const p = spawnSync(process.execPath, cases[i][1], { env, stdio: 'ignore' });
    if (p.status !== 0) throw new Error(`${cases[i][0]} exited ${p.status}`);
    times[i].push(performance.now() - started);
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const version = JSON.parse(readFileSync(new URL('package.json', url), 'utf8')).version;
console.log(`string-width ${version}, node ${process.version}, medians of ${runs} interleaved runs`);
const base = median(times[0]);
cases.forEach(([label], i) => console.log(`${label}: ${median(times[i]).toFixed(1)} ms (${(median(times[i]) - base).toFixed(1)} ms over node -e 0)`));
