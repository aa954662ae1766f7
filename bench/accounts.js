#!/usr/bin/env node
/**
 * rdhooks benchmark: planning a workspace of many accounts at once, through the library as `plan --workspace`
 * does it. One emulator on loopback serves every account with 100 ms of latency on each API request; each account
 * gets its own HTTP client (its own token, rate limiter and plan), and runAccounts plans them `--parallel` at a time.
 *
 *   npm run build && node bench/accounts.js          # 200 accounts x 20 webhooks, parallel 4, 3 runs; RSS at 50 and 200
 *   node bench/accounts.js --quick                   # one run of each
 *
 * Prints one JSON line. The time bound is what parallelism allows: the accounts go through in ceil(accounts /
 * parallel) waves, and each account waits for the emulator's latency once (a token exchange, which the emulator
 * does not delay, then account_info and the list together). Memory is measured in a child process that plans N
 * accounts and keeps their plans, as the CLI does to render them, at 50 and at 200 accounts: its peak RSS (which
 * also counts garbage not yet collected) and the heap it retains after a full collection, with the plans and
 * without them, whose growth per account is set against the size of one account's plan. (Without the plans, what
 * little still grows is compiled code: a longer run optimizes more functions; heap snapshots show no account's
 * client, listing or manifest kept.)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LIB = join(ROOT, 'dist', 'lib', 'index.js');

const ACCOUNTS = 200;
const SMALL = 50;
const WEBHOOKS = 20;
const LATENCY_MS = 100;
const PARALLEL = 4;
/** Sequential round trips per account: the token exchange, then account_info and the list at once (session.ts). */
const ROUND_TRIPS = { sequential: 2, delayed: 1 };
const GOAL_RATIO = 1.3;

const EVENT_TYPES = ['WEBHOOK.CONVERTED', 'WEBHOOK.MARKED_OPPORTUNITY', 'crm_deal_created', 'crm_deal_updated', 'crm_deal_deleted'];
const nameOf = (a) => `client-${String(a).padStart(3, '0')}`;
const accountOf = (a) => `Client ${String(a).padStart(3, '0')}`;
const prefixOf = (a) => `RDSTATION_${nameOf(a).toUpperCase().replace(/-/g, '_')}_`;

// Run directly: the child (when asked) or the whole bench, printing its JSON line; imported by bench/run.js: nothing.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--child') await child(process.argv[3], Number(process.argv[4]));
  else process.stdout.write(`${JSON.stringify(await parent(process.argv.includes('--quick')))}\n`);
}

/** The section `npm run bench` writes into BENCHMARKS.md: its Markdown lines. */
export default async function accountsSection({ quick = false } = {}) {
  const r = await parent(quick);
  const kb = (n) => `${(n / 1024).toFixed(1)} MiB`;
  const verdict = (ok) => (ok ? 'met' : '**not met**');
  return [
    '## Several accounts at once',
    '',
    `A workspace of ${r.accounts} accounts x ${r.webhooks_per_account} webhooks (2 changes each), one emulator on loopback answering each API request after ${r.latency_ms} ms, ` +
      `\`--parallel ${r.parallel}\`; medians of ${r.runs} run${r.runs === 1 ? '' : 's'} (\`node bench/accounts.js\` alone prints them as JSON). The bound is what the parallelism allows: ` +
      `${r.accounts}/${r.parallel} waves of one delayed round trip each (the token exchange is not delayed; account_info and the list go together) = ${r.bound_ms} ms.`,
    '',
    '| what | wall | bound | ratio | goal |',
    '|---|---:|---:|---:|---|',
    `| \`rdhooks plan --format json\` (the built CLI, Node's start included) | ${r.cli_ms} ms | ${r.bound_ms} ms | ${r.cli_ratio}x | ≤ ${r.goal_ratio}x: ${verdict(r.cli_met)} |`,
    `| the library (runAccounts + planAccount), in a process already started | ${r.ms} ms | ${r.bound_ms} ms | ${r.ratio}x | ≤ ${r.goal_ratio}x: ${verdict(r.met)} |`,
    '',
    `Memory (the library child, which keeps every plan as the CLI does to render them): peak RSS ${kb(r.peak_rss_kb[50])} at 50 accounts and ${kb(r.peak_rss_kb[r.accounts])} at ${r.accounts} ` +
      `(${r.peak_rss_growth_kb_per_account} KiB more per account); the heap retained after a full collection grows ${r.retained_heap_growth_kb_per_account} KiB per account with the plans held, ` +
      `${r.retained_heap_without_plans_growth_kb_per_account} KiB without them; one account's JSON plan is ${r.plan_json_kb_per_account} KiB.`,
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The child: plans the first N accounts of the workspace in the working directory, and reports.

async function child(apiUrl, n) {
  const lib = await import(LIB);
  const cwd = process.cwd();
  const { workspace, diagnostics } = await lib.loadWorkspace(lib.WORKSPACE_FILE, process.env, { cwd });
  if (!workspace) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const accounts = workspace.accounts.slice(0, n);
  const started = performance.now();
  const outcomes = await lib.runAccounts(accounts, { parallel: PARALLEL }, async (account) => {
    const { manifest, diagnostics: problems } = await lib.loadAccountManifest(workspace, account, process.env);
    if (!manifest) throw new Error(problems.map((d) => d.message).join('\n'));
    const p = account.credentials.prefix;
    const refresh = { clientId: process.env[`${p}CLIENT_ID`], clientSecret: process.env[`${p}CLIENT_SECRET`], refreshToken: process.env[`${p}REFRESH_TOKEN`] };
    const api = lib.createHttpApi({ apiUrl, auth: { refresh } });
    const result = await lib.planAccount({ manifest, session: { api, apiUrl } });
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
    return result.plan;
  });
  const ms = performance.now() - started;
  const failed = outcomes.filter((o) => !o.ok).map((o) => `${o.name}: ${o.error.message}`);
  const entries = outcomes.map((o, i) => (o.ok ? { name: o.name, account: accounts[i].account, plan: o.value } : { name: o.name, account: accounts[i].account, error: o.error.message }));
  // What --format json prints: every plan is held until then.
  let document = lib.renderWorkspaceJson(entries);
  const documentBytes = Buffer.byteLength(document);
  const changes = entries.reduce((sum, e) => sum + (e.plan?.changes.length ?? 0), 0);
  // What stays once garbage is collected, the plans and their document still held: the memory accounts cost;
  // then without them, which must not grow with the number of accounts (clients, listings, manifests all gone).
  globalThis.gc();
  const heapKb = process.memoryUsage().heapUsed / 1024;
  outcomes.length = 0;
  entries.length = 0;
  document = '';
  globalThis.gc();
  const heapWithoutPlansKb = process.memoryUsage().heapUsed / 1024;
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  process.stdout.write(`${JSON.stringify({ ms, cpuMs, failed, changes, documentBytes, rssKb: usage.maxRSS, heapKb, heapWithoutPlansKb })}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// The parent: the emulator, the workspace on disk, the child runs, the result line.

async function parent(quick) {
  const { startEmulator } = await import(join(ROOT, 'dist', 'lib', 'emulator.js'));
  const dir = mkdtempSync(join(tmpdir(), 'rdhooks-bench-accounts-'));
  const progress = (line) => process.stderr.write(`bench accounts: ${line}\n`);
  const range = (n) => Array.from({ length: n }, (_, i) => i);
  try {
    const emulator = await startEmulator({
      latencyMs: LATENCY_MS,
      accounts: range(ACCOUNTS).map((a) => ({ name: accountOf(a), seed: range(WEBHOOKS).map((i) => wireOf(a, i)) })),
    });
    try {
      writeWorkspace(dir);
      const env = { PATH: process.env.PATH, HOME: process.env.HOME };
      for (const a of range(ACCOUNTS)) {
        const c = emulator.account(accountOf(a)).credentials;
        Object.assign(env, { [`${prefixOf(a)}CLIENT_ID`]: c.clientId, [`${prefixOf(a)}CLIENT_SECRET`]: c.clientSecret, [`${prefixOf(a)}REFRESH_TOKEN`]: c.refreshToken });
      }
      const runs = quick ? 1 : 3;
      const big = [];
      const small = [];
      const cli = [];
      for (let r = 0; r < runs; r++) {
        // Interleaved, so a busy spell of the machine slows both sizes alike.
        small.push(await runChild(dir, env, emulator.url, SMALL));
        big.push(await runChild(dir, env, emulator.url, ACCOUNTS));
        cli.push(await runCli(dir, { ...env, RDSTATION_API_URL: emulator.url }));
        progress(`run ${r + 1}/${runs}: ${ACCOUNTS} accounts in ${big.at(-1).ms.toFixed(0)} ms (library), ${cli.at(-1).toFixed(0)} ms (rdhooks plan, the process included)`);
      }
      const boundMs = Math.ceil(ACCOUNTS / PARALLEL) * ROUND_TRIPS.delayed * LATENCY_MS;
      const ms = median(big.map((b) => b.ms));
      const at = (key) => ({ [SMALL]: Math.round(median(small.map((s) => s[key]))), [ACCOUNTS]: Math.round(median(big.map((b) => b[key]))) });
      const perAccount = (values) => Number(((values[ACCOUNTS] - values[SMALL]) / (ACCOUNTS - SMALL)).toFixed(1));
      const rss = at('rssKb');
      const heap = at('heapKb');
      const heapWithoutPlans = at('heapWithoutPlansKb');
      const result = {
        bench: 'accounts',
        accounts: ACCOUNTS,
        webhooks_per_account: WEBHOOKS,
        latency_ms: LATENCY_MS,
        parallel: PARALLEL,
        runs,
        round_trips_per_account: { ...ROUND_TRIPS, note: 'token exchange, then account_info and list together; the emulator delays API requests, not the token endpoint' },
        ms: Math.round(ms),
        bound_ms: boundMs,
        ratio: Number((ms / boundMs).toFixed(2)),
        goal_ratio: GOAL_RATIO,
        met: ms / boundMs <= GOAL_RATIO,
        cli_ms: Math.round(median(cli)),
        cli_ratio: Number((median(cli) / boundMs).toFixed(2)),
        cli_met: median(cli) / boundMs <= GOAL_RATIO,
        cpu_ms_per_account: Number((median(big.map((b) => b.cpuMs)) / ACCOUNTS).toFixed(1)),
        peak_rss_kb: rss,
        peak_rss_growth_kb_per_account: perAccount(rss),
        retained_heap_kb: heap,
        retained_heap_growth_kb_per_account: perAccount(heap),
        retained_heap_without_plans_kb: heapWithoutPlans,
        retained_heap_without_plans_growth_kb_per_account: perAccount(heapWithoutPlans),
        plan_json_kb_per_account: Number((median(big.map((b) => b.documentBytes)) / ACCOUNTS / 1024).toFixed(1)),
        changes_per_account: big[0].changes / ACCOUNTS,
      };
      return result;
    } finally {
      await emulator.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs node with `args` in `cwd`; resolves to its exit code, output and wall time in ms. */
function runNode(args, cwd, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

/**
 * Runs the built CLI as users do, `rdhooks plan --format json` in the workspace's folder (every account, --parallel
 * at its default of 4); resolves to its wall time in ms, Node's start included.
 */
async function runCli(cwd, env) {
  const { code, stderr, ms } = await runNode([join(ROOT, 'dist', 'cli', 'main.js'), 'plan', '--format', 'json'], cwd, env);
  if (code !== 0) throw new Error(`rdhooks plan exited ${code}:\n${stderr.slice(-2000)}`);
  return ms;
}

/** Runs the child on the first `n` accounts; resolves to what it reports. */
async function runChild(cwd, env, apiUrl, n) {
  const { code, stdout, stderr } = await runNode(['--expose-gc', fileURLToPath(import.meta.url), '--child', apiUrl, String(n)], cwd, env);
  if (code !== 0) throw new Error(`the child planning ${n} accounts exited ${code}:\n${stderr}`);
  const report = JSON.parse(stdout);
  if (report.failed.length > 0) throw new Error(`accounts failed:\n${report.failed.slice(0, 5).join('\n')}`);
  return report;
}

/** The workspace file and one manifest per account: each account's listed webhooks, two of them changed. */
function writeWorkspace(dir) {
  mkdirSync(join(dir, 'accounts'));
  const lines = ['version: 1', 'accounts:'];
  for (let a = 0; a < ACCOUNTS; a++) {
    lines.push(`  - name: ${nameOf(a)}`, `    manifest: accounts/${nameOf(a)}.yaml`, `    account: ${accountOf(a)}`);
    const manifest = ['version: 1', 'webhooks:'];
    for (let i = 0; i < WEBHOOKS; i++) {
      const s = specOf(a, i);
      manifest.push(`  - name: hook-${i}`, `    event_type: ${s.event_type}`, `    url: ${i < 2 ? `${s.url}/v2` : s.url}`, '    include_relations: [COMPANY]');
    }
    writeFileSync(join(dir, 'accounts', `${nameOf(a)}.yaml`), `${manifest.join('\n')}\n`);
  }
  writeFileSync(join(dir, 'rdhooks.workspace.yaml'), `${lines.join('\n')}\n`);
}

function specOf(a, i) {
  return { event_type: EVENT_TYPES[i % EVENT_TYPES.length], url: `https://hooks.example.com/${nameOf(a)}/${i}` };
}

function wireOf(a, i) {
  const s = specOf(a, i);
  const hex = (a * WEBHOOKS + i).toString(16).padStart(12, '0');
  return {
    uuid: `5408c5a3-4711-4f2e-8d0b-${hex}`,
    event_type: s.event_type,
    entity_type: 'CONTACT',
    url: s.url,
    http_method: 'POST',
    event_identifiers: [],
    include_relations: ['COMPANY'],
    created_at: '2024-01-15T12:00:00.000Z',
    updated_at: '2024-01-15T12:00:00.000Z',
    platform_account_id: '818000000000436400',
    source: s.event_type.startsWith('crm_') ? 'CRM' : 'MKT',
    status: 'active',
  };
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}
