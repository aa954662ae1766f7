/**
 * What every benchmark section shares: running a command to its exit (wall time, peak RSS), medians and
 * formatting, a goal cell, the data (N webhooks as a manifest and as RD lists them), and the emulator as its own
 * process. bench/run.js and bench/accounts.js import it; nothing here measures anything by itself.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');
export const NODE = process.execPath;
export const TMP = mkdtempSync(join(tmpdir(), 'rdhooks-bench-'));
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const RSS_HOOK = join(ROOT, 'bench', 'maxrss-hook.js');

/**
 * The environment of every measured process: no more than PATH and HOME, so NODE_EXTRA_CA_CERTS (which these
 * machines set, and which adds a fixed cost to every node start) is unset for rdhooks and for the baselines
 * alike, and a code cache of the bench's own (XDG_CACHE_HOME), never the user's.
 */
export const BASE_ENV = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', XDG_CACHE_HOME: join(TMP, 'cache') };

export const progress = (line) => process.stderr.write(`bench: ${line}\n`);

/**
 * Runs a command to its exit; resolves to its wall time in ms (spawn to exit), exit code, output, and, with
 * `rss`, its peak RSS in KB (GNU time's %M, or process.resourceUsage() from a preloaded hook without it).
 * `spawned` receives performance.now() at the spawn.
 */
export function run(cmd, args, { env = {}, rss = false, keepStdout = false, spawned } = {}) {
  let file = cmd;
  let fileArgs = args;
  if (rss && TIME) {
    file = TIME;
    fileArgs = ['-f', 'BENCH_MAXRSS_KB=%M', cmd, ...args];
  } else if (rss && cmd === NODE) {
    fileArgs = ['--import', RSS_HOOK, ...args];
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    spawned?.(started);
    const child = spawn(file, fileArgs, { cwd: TMP, env: { ...BASE_ENV, ...env }, stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const m = /BENCH_MAXRSS_KB=(\d+)/.exec(stderr);
      resolve({ ms, code, stdout, stderr, rssKb: m ? Number(m[1]) : undefined });
    });
  });
}

/** Like run(), but a non-zero exit (other than `okCodes`) stops the bench with the command's stderr. */
export async function must(what, cmd, args, options = {}, okCodes = [0]) {
  const r = await run(cmd, args, options);
  if (!okCodes.includes(r.code)) throw new Error(`${what} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  return r;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
export const ms = (x) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);
export const mb = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
export const ratio = (x) => `${x.toFixed(2)}x`;
export const verdict = (ok) => (ok ? '**met**' : '**missed**');
/** A table cell: the goal and whether `value` meets it (at most `limit`). */
export const goal = (value, limit) => `≤ ${limit}x: ${verdict(value <= limit)}`;

// ---------------------------------------------------------------------------------------------------------------
// Data: N webhooks as a manifest entry and as RD lists it; `drift` makes the listed one differ (an update).

const EVENT_TYPES = ['WEBHOOK.CONVERTED', 'WEBHOOK.MARKED_OPPORTUNITY', 'crm_deal_created', 'crm_deal_updated', 'crm_deal_deleted'];

export function uuidOf(i) {
  return `5408c5a3-4711-4f2e-8d0b-${i.toString(16).padStart(12, '0')}`;
}

export function specOf(i) {
  const event_type = EVENT_TYPES[i % EVENT_TYPES.length];
  return {
    event_type,
    url: `https://example.com/h/${i}`,
    event_identifiers: event_type === 'WEBHOOK.CONVERTED' ? ['newsletter', `form-${i % 7}`] : [],
    include_relations: ['COMPANY'],
  };
}

export function wireOf(i, drift) {
  const s = specOf(i);
  return {
    uuid: uuidOf(i),
    event_type: s.event_type,
    entity_type: 'CONTACT',
    url: s.url,
    http_method: 'POST',
    event_identifiers: s.event_identifiers,
    // The drift a person makes by hand in RD's UI: a relation removed.
    include_relations: drift ? [] : s.include_relations,
    created_at: '2024-01-15T12:00:00.000Z',
    updated_at: '2024-01-15T12:00:00.000Z',
    platform_account_id: '818000000000436400',
    source: s.event_type.startsWith('crm_') ? 'CRM' : 'MKT',
    status: 'active',
  };
}

/**
 * A manifest with entries `present` (indexes) and `ensure: absent` entries for the uuids of `absent`. Entries have
 * no `name`, so that 50,000 of them stay under rdhooks' 4 MiB manifest limit (MAX_MANIFEST_BYTES).
 */
export function manifestText(present, absent = []) {
  const lines = ['version: 1', 'prune: false', 'defaults:', '  include_relations: [COMPANY]', 'webhooks:'];
  for (const i of present) {
    const s = specOf(i);
    lines.push(`  - event_type: ${s.event_type}`, `    url: ${s.url}`);
    if (s.event_identifiers.length) lines.push(`    event_identifiers: [${s.event_identifiers.join(', ')}]`);
  }
  for (const i of absent) lines.push(`  - uuid: ${uuidOf(i)}`, '    ensure: absent');
  return `${lines.join('\n')}\n`;
}

export const range = (from, to) => Array.from({ length: to - from }, (_, k) => from + k);
const key = (w) => `${w.event_type} ${w.url}`;
const sameSet = (a = [], b = []) => a.length === b.length && [...a].sort().join('\0') === [...b].sort().join('\0');

/** True when the emulator holds exactly the `present` webhooks, with the manifest's fields. */
export function converged(store, present) {
  const listed = new Map(store.snapshot().map((w) => [key(w), w]));
  return (
    listed.size === present.length &&
    present.every((i) => {
      const s = specOf(i);
      const w = listed.get(key(s));
      return w !== undefined && sameSet(w.include_relations, s.include_relations) && sameSet(w.event_identifiers, s.event_identifiers);
    })
  );
}

/** Starts `rdhooks emulator --seed FILE` (and `extra` flags) as a child process; resolves to its URL, a token and a stop(). */
export async function emulatorProcess(seedFile, extra = []) {
  const child = spawn(NODE, [CLI, 'emulator', '--seed', seedFile, '--port', '0', ...extra], { cwd: TMP, env: BASE_ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  await new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d) => {
      text += d;
      if (text.includes('Stop it with Ctrl-C.')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the emulator exited ${code}:\n${text}`)));
  });
  const url = /RDSTATION_API_URL=(\S+)/.exec(text)?.[1];
  const token = /RDSTATION_ACCESS_TOKEN=(\S+)/.exec(text)?.[1];
  child.removeAllListeners('exit');
  return {
    url,
    token,
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}
